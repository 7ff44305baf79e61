"""Django settings, all read from the environment (see docs/configuration.md).

A fresh checkout runs in development mode on SQLite with no configuration.
Production mode refuses to start without its secrets and allowed hosts, and
turns on every transport protection (`manage.py check --deploy` is clean).
"""

from __future__ import annotations

from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

from safepassage.env import ConfigError, Env, generated_secret, keep_private

env = Env()

PACKAGE_DIR = Path(__file__).resolve().parent

MODE = env.choice("SAFEPASSAGE_MODE", "development", ("development", "production"))
PRODUCTION = MODE == "production"

DATA_DIR = Path(env.text("SAFEPASSAGE_DATA_DIR", "data") or "data").resolve()
# Before anything is written: files 0600, folders 0700, an existing data
# folder made private (docs/operations.md).
keep_private(DATA_DIR)

DEBUG = env.flag("SAFEPASSAGE_DEBUG", False)
if PRODUCTION and DEBUG:
    raise ConfigError("SAFEPASSAGE_DEBUG cannot be true when SAFEPASSAGE_MODE is production.")

# Demo commands (demo organisation, printing a demo user's current code)
# only ever work in development mode.
DEMO_ALLOWED = not PRODUCTION


def _secret(name: str, file_name: str) -> str:
    value = env.secret(name)
    if value:
        if PRODUCTION and (len(value) < 50 or len(set(value)) < 5):
            raise ConfigError(
                f"{name} must be at least 50 random characters in production "
                "(for example: python -c 'import secrets; print(secrets.token_urlsafe(48))')."
            )
        return value
    if PRODUCTION:
        raise ConfigError(
            f"{name} (or {name}_FILE) must be set when SAFEPASSAGE_MODE is production."
        )
    return generated_secret(DATA_DIR / file_name)


SECRET_KEY = _secret("SAFEPASSAGE_SECRET_KEY", "secret_key")
# Keys the audit chain's MACs. Kept apart from SECRET_KEY so that rotating the
# one does not break verification of the other.
AUDIT_KEY = _secret("SAFEPASSAGE_AUDIT_KEY", "audit_key")

ALLOWED_HOSTS = env.items(
    "SAFEPASSAGE_ALLOWED_HOSTS", [] if PRODUCTION else ["127.0.0.1", "localhost", "[::1]"]
)
if PRODUCTION and not ALLOWED_HOSTS:
    raise ConfigError("SAFEPASSAGE_ALLOWED_HOSTS must list the host names when in production.")
CSRF_TRUSTED_ORIGINS = env.items("SAFEPASSAGE_CSRF_TRUSTED_ORIGINS", [])

# `safepassage serve` (docs/operations.md): where it listens, with how many
# worker processes, and how each one's front holds slow clients.
BIND = env.text("SAFEPASSAGE_BIND", "127.0.0.1:8000") or "127.0.0.1:8000"
WORKERS = env.number("SAFEPASSAGE_WORKERS", 2, minimum=1, maximum=64)
# Threads per worker that run the application on whole requests.
SERVE_THREADS = env.number("SAFEPASSAGE_SERVE_THREADS", 2, minimum=1, maximum=64)
# Open connections per worker; past it new ones are closed at once (and
# requests past it answered 503).
SERVE_CONNECTIONS = env.number("SAFEPASSAGE_SERVE_CONNECTIONS", 500, minimum=8, maximum=100000)
# Seconds for a request's line and headers (408 past them).
SERVE_HEADER_TIMEOUT = env.number(
    "SAFEPASSAGE_SERVE_HEADER_TIMEOUT_SECONDS", 20, minimum=1, maximum=600
)
# Seconds for a body, one more for each SERVE_BODY_MIN_RATE bytes that
# arrive, and the longest a body may fall silent (408 past either); also
# how long a client may take nothing of a response before it is dropped.
SERVE_BODY_TIMEOUT = env.number(
    "SAFEPASSAGE_SERVE_BODY_TIMEOUT_SECONDS", 20, minimum=1, maximum=600
)
SERVE_BODY_MIN_RATE = (
    env.number("SAFEPASSAGE_SERVE_BODY_MIN_KB_PER_SECOND", 1, minimum=1, maximum=100000) * 1024
)

# --- Database ---------------------------------------------------------------

_database_url = env.text("DATABASE_URL", "sqlite:///" + str(DATA_DIR / "safepassage.sqlite3"))
try:
    # Connections are kept between requests (checked before reuse): a new
    # SQLite connection for each request runs the pragmas below and, as the
    # last one open, checkpoints the WAL when it closes.
    _database = dj_database_url.parse(
        _database_url or "", conn_max_age=600, conn_health_checks=True
    )
except ValueError as exc:
    raise ConfigError(f"DATABASE_URL cannot be parsed: {exc}") from None
if _database.get("ENGINE") not in (
    "django.db.backends.sqlite3",
    "django.db.backends.postgresql",
):
    raise ConfigError("DATABASE_URL must name an sqlite:// or postgres:// database.")
if _database["ENGINE"] == "django.db.backends.sqlite3":
    # Django's backend, reading UUID keys faster (safepassage/sqlite/base.py).
    _database["ENGINE"] = "safepassage.sqlite"
    # WAL lets readers work while one writer writes; IMMEDIATE transactions
    # take the write lock at BEGIN, so the audit chain appends in order.
    _database["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
            "PRAGMA foreign_keys=ON; PRAGMA secure_delete=ON;"
        ),
    }
else:
    # No parallel workers for a query: every page reads a page of rows
    # (LIMIT), and a parallel plan read more than twice the rows to find
    # them (the event list's perpetrator filter, 33 ms against 14 ms at
    # 25,000 events) while taking the other requests' cores
    # (docs/decisions.md). Options given in DATABASE_URL come after, so an
    # administrator's own setting wins.
    _options = _database.setdefault("OPTIONS", {})
    _options["options"] = " ".join(
        part for part in ("-c max_parallel_workers_per_gather=0", _options.get("options")) if part
    )
DATABASES = {"default": _database}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Applications -----------------------------------------------------------

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "safepassage.audit",
    "safepassage.accounts",
    "safepassage.vault",
    "safepassage.jobs",
    "safepassage.cases",
    "safepassage.intake",
    "safepassage.analysis",
    "safepassage.documentation",
    # Last: the dashboard, the menu, `serve` and `demo` hold every app together.
    "safepassage.site",
]

MIDDLEWARE = [
    "safepassage.middleware.SecurityHeadersMiddleware",
    "safepassage.vault.files.UploadCleanupMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "safepassage.accounts.sessions.SessionLifetimeMiddleware",
    "safepassage.accounts.sessions.StaffOnlyMiddleware",
    "safepassage.vault.session.VaultMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "safepassage.urls"
WSGI_APPLICATION = "safepassage.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "safepassage.site.context_processors.shell",
            ],
        },
    },
]

# --- Accounts ---------------------------------------------------------------

AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "dashboard"

# Argon2id first: new and changed passwords are hashed with it.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.Argon2PasswordHasher"]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    # Django ships a list of 20,000 passwords seen in breaches.
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "safepassage.accounts.passwords.MaximumLengthValidator"},
]

IDLE_TIMEOUT_MINUTES = env.number(
    "SAFEPASSAGE_IDLE_TIMEOUT_MINUTES", 30, minimum=1, maximum=24 * 60
)
SESSION_MAX_HOURS = env.number("SAFEPASSAGE_SESSION_MAX_HOURS", 12, minimum=1, maximum=7 * 24)
REAUTH_MINUTES = env.number("SAFEPASSAGE_REAUTH_MINUTES", 5, minimum=1, maximum=60)
if IDLE_TIMEOUT_MINUTES > SESSION_MAX_HOURS * 60:
    raise ConfigError(
        "SAFEPASSAGE_IDLE_TIMEOUT_MINUTES cannot be longer than SAFEPASSAGE_SESSION_MAX_HOURS."
    )

SESSION_ENGINE = "django.contrib.sessions.backends.db"
SESSION_COOKIE_AGE = SESSION_MAX_HOURS * 3600
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Strict"
CSRF_COOKIE_HTTPONLY = True
CSRF_FAILURE_VIEW = "safepassage.site.views.csrf_failure"
CSRF_COOKIE_SAMESITE = "Strict"
LANGUAGE_COOKIE_SAMESITE = "Strict"
LANGUAGE_COOKIE_HTTPONLY = True

OTP_TOTP_ISSUER = env.text("SAFEPASSAGE_ORGANISATION_NAME", "safepassage")
OTP_TOTP_THROTTLE_FACTOR = 1

# --- Vault ------------------------------------------------------------------

# Argon2id cost for the key that locks each user's private key. New keys use
# the current values; each stored key remembers its own.
VAULT_ARGON2_OPSLIMIT = env.number("SAFEPASSAGE_VAULT_ARGON2_PASSES", 3, minimum=1, maximum=20)
VAULT_ARGON2_MEMLIMIT = (
    env.number("SAFEPASSAGE_VAULT_ARGON2_MEMORY_MB", 64, minimum=8, maximum=4096) * 1024 * 1024
)
# The AEAD for new field values and files: AEGIS-256 where the CPU has AES
# instructions ("auto"), else XChaCha20-Poly1305 (values) and secretstream
# (files). Whatever is chosen, everything stored before still opens.
VAULT_CIPHER = env.choice(
    "SAFEPASSAGE_VAULT_CIPHER", "auto", ("auto", "aegis256", "xchacha20poly1305")
)
# Encrypted files (content-addressed ciphertext only) and uploads in progress.
FILES_DIR = DATA_DIR / "files"
UPLOAD_MAX_BYTES = (
    env.number("SAFEPASSAGE_UPLOAD_MAX_MB", 25, minimum=1, maximum=2048) * 1024 * 1024
)
# All files of one request together; checked as they stream in, before
# anything beyond it is written.
UPLOAD_MAX_TOTAL_BYTES = (
    env.number("SAFEPASSAGE_UPLOAD_MAX_TOTAL_MB", 100, minimum=1, maximum=20480) * 1024 * 1024
)
# RFC 3161 timestamp authorities for the heads of evidence custody logs:
# "URL ROOT.pem" for each, separated by commas (none by default). Used by
# `safepassage custody timestamp`; tokens are verified when received.
try:
    from safepassage.vault.timestamps import parse_authorities

    TIMESTAMP_AUTHORITIES = parse_authorities(
        env.text("SAFEPASSAGE_TIMESTAMP_AUTHORITIES", "") or ""
    )
except ValueError as error:
    raise ConfigError(f"SAFEPASSAGE_TIMESTAMP_AUTHORITIES: {error}.") from None
for _authority in TIMESTAMP_AUTHORITIES:
    if not _authority.root.is_file():
        raise ConfigError(
            f"SAFEPASSAGE_TIMESTAMP_AUTHORITIES: no root certificate at {_authority.root}."
        )
# Trust anchors for the C2PA manifests of evidence (documentation.content_credentials):
# a PEM file of root certificates, such as the C2PA trust list. None by
# default: every manifest's signer is then reported as untrusted.
C2PA_TRUST_ANCHORS = env.text("SAFEPASSAGE_C2PA_TRUST_ANCHORS", "") or None
if C2PA_TRUST_ANCHORS is not None:
    _anchors = Path(C2PA_TRUST_ANCHORS)
    if not _anchors.is_file() or b"-----BEGIN CERTIFICATE-----" not in _anchors.read_bytes():
        raise ConfigError(
            f"SAFEPASSAGE_C2PA_TRUST_ANCHORS: not a file of PEM certificates: {C2PA_TRUST_ANCHORS}."
        )
# The only upload handler: it encrypts while the upload streams in, so no
# plaintext temporary file is ever written.
FILE_UPLOAD_HANDLERS = ["safepassage.vault.files.EncryptingUploadHandler"]

# --- Intake (the public request form) ----------------------------------------

# Requests without a proof of work accepted per minute, all senders together
# (no sender is tracked). During a flood of such requests, a person whose
# browser runs the form's script still gets through: see the next two.
INTAKE_MAX_PER_MINUTE = env.number(
    "SAFEPASSAGE_INTAKE_MAX_PER_MINUTE", 120, minimum=1, maximum=100000
)
# Requests with a proof of work accepted per minute: a budget of their own,
# much higher, which a flood of unproven requests does not touch.
INTAKE_PROVEN_PER_MINUTE = env.number(
    "SAFEPASSAGE_INTAKE_PROVEN_PER_MINUTE", 600, minimum=1, maximum=100000
)
# Above this many requests without a proof in a minute, new ones are marked
# as arriving in a flood, and the inbox shows them after the others.
INTAKE_FLOOD_PER_MINUTE = env.number(
    "SAFEPASSAGE_INTAKE_FLOOD_PER_MINUTE", 30, minimum=1, maximum=100000
)
# Wrong receipts counted per minute, all senders together; beyond it a wrong
# receipt gets a "wait" page (a right one always opens its request).
INTAKE_RECEIPT_TRIES_PER_MINUTE = env.number(
    "SAFEPASSAGE_INTAKE_RECEIPT_TRIES_PER_MINUTE", 60, minimum=1, maximum=100000
)
# Messages one receipt may send per hour.
INTAKE_MESSAGES_PER_HOUR = env.number(
    "SAFEPASSAGE_INTAKE_MESSAGES_PER_HOUR", 20, minimum=1, maximum=1000
)
INTAKE_MAX_FILES = env.number("SAFEPASSAGE_INTAKE_MAX_FILES", 5, minimum=0, maximum=20)
# Largest photo cleaned on arrival, in megapixels: decoding one takes about
# 3 MB of memory a megapixel, twice that while it is turned upright. Larger
# pictures (and decompression bombs, small files of huge pictures) are
# refused before they are decoded. Pillow's own guard starts above 89.
INTAKE_PHOTO_MAX_MEGAPIXELS = env.number(
    "SAFEPASSAGE_INTAKE_PHOTO_MAX_MEGAPIXELS", 50, minimum=1, maximum=80
)
# Files one request may carry on any page (every upload form has at most the
# request form's number): the upload handler ends the upload at the next one.
UPLOAD_MAX_FILES = max(INTAKE_MAX_FILES, 1)
# The proof of work of the request form (0 = off): the leading zero bits of
# SHA-256 a browser must find, in the background while the person types. It
# rises by a bit each time the proven requests of a minute double beyond the
# flood rate, up to INTAKE_PROOF_MAX_BITS.
INTAKE_PROOF_BITS = env.number("SAFEPASSAGE_INTAKE_PROOF_BITS", 16, minimum=0, maximum=28)
INTAKE_PROOF_MAX_BITS = env.number(
    "SAFEPASSAGE_INTAKE_PROOF_MAX_BITS", max(20, INTAKE_PROOF_BITS), minimum=0, maximum=28
)
if INTAKE_PROOF_MAX_BITS < INTAKE_PROOF_BITS:
    raise ConfigError(
        "SAFEPASSAGE_INTAKE_PROOF_MAX_BITS cannot be lower than SAFEPASSAGE_INTAKE_PROOF_BITS."
    )
# The largest body `safepassage serve` accepts (413 past it, refused before
# it is read): the most files a request may carry, each at its limit (and
# all of them within the total), and room for the form's text (Django keeps
# that under 2.5 MB) and framing.
SERVE_MAX_BODY_BYTES = (
    min(UPLOAD_MAX_BYTES * max(1, INTAKE_MAX_FILES), UPLOAD_MAX_TOTAL_BYTES) + 4 * 1024 * 1024
)
# Bytes of bodies a worker holds on disk at once (encrypted, in files with
# no name); a body that would pass it is answered 503. At least two of the
# largest bodies.
SERVE_SPOOL_BYTES = env.number(
    "SAFEPASSAGE_SERVE_SPOOL_MB",
    max(1024, 2 * SERVE_MAX_BODY_BYTES // (1024 * 1024) + 1),
    minimum=1,
    maximum=1024 * 1024,
) * (1024 * 1024)
if SERVE_SPOOL_BYTES < SERVE_MAX_BODY_BYTES:
    raise ConfigError(
        "SAFEPASSAGE_SERVE_SPOOL_MB must hold at least one of the largest requests "
        f"({SERVE_MAX_BODY_BYTES // (1024 * 1024) + 1} MB with these upload limits)."
    )
# Light on purpose: receipts carry 88 random bits, which is what resists guessing.
INTAKE_RECEIPT_ARGON2_OPSLIMIT = 1
INTAKE_RECEIPT_ARGON2_MEMLIMIT = 256 * 1024
# Shown on the public pages so people can reach the form over Tor.
ONION_ADDRESS = env.text("SAFEPASSAGE_ONION_ADDRESS", "") or ""

# --- Analysis ----------------------------------------------------------------

# Where linkage runs: DuckDB in this process, or Spark for lists that outgrow
# one machine (needs the `spark` extra and Java 17).
LINKAGE_BACKEND = env.choice("SAFEPASSAGE_LINKAGE_BACKEND", "duckdb", ("duckdb", "spark"))

# --- Retention (cases/retention.py holds the rules and their default days) ----


def _retention_days(name: str) -> int | None:
    """Days before a rule applies (0 to 36500), or None for "off"."""
    value = env.text(name)
    if value is not None and value.lower() in ("off", "never"):
        return None
    return env.number(name, 0, minimum=0, maximum=36500)


# Only the rules whose variable is set: the others keep their default days.
RETENTION_DAYS: dict[str, int | None] = {
    rule: _retention_days(f"SAFEPASSAGE_RETENTION_{rule.upper()}_DAYS")
    for rule in ("after_arrival", "declined", "withdrawn")
    if env.text(f"SAFEPASSAGE_RETENTION_{rule.upper()}_DAYS") is not None
}
# `safepassage serve` applies the rules once a day (cases/retention.py,
# run_if_due); off, a timer must run `safepassage retention run`.
RETENTION_IN_SERVE = env.flag("SAFEPASSAGE_RETENTION_IN_SERVE", True)

# --- Transport and browser security -----------------------------------------

SECURE_CONTENT_TYPE_NOSNIFF = True
# Never to other sites. Not "no-referrer": with it browsers send "Origin: null"
# on form posts, and Django's CSRF protection (rightly) refuses them.
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

if PRODUCTION:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    LANGUAGE_COOKIE_SECURE = True
    # The __Host- prefix makes the browser refuse the cookie unless it is
    # Secure, host-only and for the whole site.
    SESSION_COOKIE_NAME = "__Host-session"
    CSRF_COOKIE_NAME = "__Host-csrftoken"
    SECURE_SSL_REDIRECT = env.flag("SAFEPASSAGE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = env.number(
        "SAFEPASSAGE_HSTS_SECONDS", 63072000, minimum=0, maximum=10 * 365 * 86400
    )
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    # Allows (does not make) submission to the browsers' HSTS preload list.
    SECURE_HSTS_PRELOAD = env.flag("SAFEPASSAGE_HSTS_PRELOAD", True)
    if env.flag("SAFEPASSAGE_BEHIND_PROXY", False):
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    if SECURE_HSTS_SECONDS == 0:
        # check --deploy would warn; refuse instead of running half-protected.
        raise ConfigError("SAFEPASSAGE_HSTS_SECONDS cannot be 0 in production.")

# --- Internationalisation ---------------------------------------------------

LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("ru", _("Russian")), ("fr", _("French"))]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
# One date format per language on every page (safepassage/formats/).
FORMAT_MODULE_PATH = ["safepassage.formats"]
USE_I18N = True
USE_TZ = True
TIME_ZONE = "UTC"

# --- Static files -----------------------------------------------------------

STATIC_URL = "/static/"
STATICFILES_DIRS = [PACKAGE_DIR / "static"]
# Our files only, served by our own process: no other host is ever asked.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG

# --- Logging: ids and exception classes, never content ----------------------

LOG_LEVEL = env.choice("SAFEPASSAGE_LOG_LEVEL", "INFO", ("DEBUG", "INFO", "WARNING", "ERROR"))
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    # No client address in any line, whatever logs it (safepassage/front/logs.py).
    "filters": {"no_addresses": {"()": "safepassage.front.logs.NoAddresses"}},
    "handlers": {
        "stderr": {
            "class": "logging.StreamHandler",
            "formatter": "plain",
            "filters": ["no_addresses"],
        }
    },
    "root": {"handlers": ["stderr"], "level": LOG_LEVEL},
    "loggers": {
        # Django logs request paths for 4xx responses; paths are not content
        # but they are not needed either.
        "django.request": {"level": "ERROR"},
        "django.security": {"level": "WARNING"},
        "django.server": {"level": "ERROR"},
        # Pillow logs EXIF values (a photo's place and camera) at DEBUG, and
        # qpdf's warnings about a damaged PDF can quote parts of it: neither
        # is ever logged, whatever SAFEPASSAGE_LOG_LEVEL says.
        "PIL": {"level": "WARNING"},
        "pikepdf": {"level": "CRITICAL"},
        # warcio's warnings quote a web capture's addresses: never logged.
        "warcio": {"level": "CRITICAL"},
    },
}

env.check_unknown()
