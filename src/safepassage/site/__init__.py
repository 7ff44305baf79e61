"""The site: what holds the apps together. The dashboard, the main menu
(gathered from each app's menu.py), the health check and error pages, and
the commands that serve the platform and load the demo. The only app that
may import every other app; no app imports it."""
