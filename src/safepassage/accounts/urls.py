from django.urls import path

from safepassage.accounts.views import account, login, staff

app_name = "accounts"

urlpatterns = [
    path("login/", login.login_view, name="login"),
    path("login/code/", login.verify_view, name="verify"),
    path("login/enrol/", login.enrol_view, name="enrol"),
    path("logout/", login.logout_view, name="logout"),
    path("account/", account.account_view, name="account"),
    path("account/password/", account.password_view, name="password"),
    path("account/recovery-codes/", account.recovery_codes_view, name="recovery_codes"),
    path("account/log-out-everywhere/", account.logout_everywhere_view, name="logout_everywhere"),
    path("account/confirm/", account.confirm_view, name="confirm"),
    path("staff/", staff.staff_list_view, name="staff_list"),
    path("staff/new/", staff.staff_create_view, name="staff_create"),
    path("staff/<int:staff_id>/", staff.staff_detail_view, name="staff_detail"),
    path("staff/<int:staff_id>/identity/", staff.staff_identity_view, name="staff_identity"),
    path("staff/<int:staff_id>/<slug:action>/", staff.staff_action_view, name="staff_action"),
    path("teams/", staff.team_list_view, name="team_list"),
    path("teams/new/", staff.team_create_view, name="team_create"),
    path("teams/<int:team_id>/", staff.team_detail_view, name="team_detail"),
]
