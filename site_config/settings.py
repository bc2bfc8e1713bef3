"""
Settings for the site, driven by environment variables (documented in README.md and
.env.example). Production is the default: DEBUG is on only when DJANGO_DEBUG=1.
"""

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    return int(value) if value else default


def env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name, "").strip()
    return [item.strip() for item in value.split(",") if item.strip()] if value else default


DEBUG = env_bool("DJANGO_DEBUG", False)

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY is not set: production settings need a secret key "
            "(or set DJANGO_DEBUG=1 for local development)."
        )
    SECRET_KEY = "django-insecure-local-development-only"  # noqa: S105 - DEBUG only

ALLOWED_HOSTS = env_list(
    "DJANGO_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"] if DEBUG else []
)
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS", [])

SITE_NAME = os.environ.get("SITE_NAME", "Meridian")
# The public address every link in mail starts with ("https://example.org"), never the
# Host a request came with, which a client chooses. Required in production (core.checks).
SITE_URL = os.environ.get("SITE_URL", "").strip().rstrip("/") or (
    "http://127.0.0.1:8000" if DEBUG else ""
)
SITE_TAGLINE = "Long-form analysis of a shifting world"

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "allauth",
    "allauth.account",
    "reversion",
    "django_tasks_db",
    "core",
    "accounts",
    "articles",
    "faq",
    "comments",
    "moderation",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "core.middleware.DatabaseUnavailableMiddleware",  # database down: friendly 503, not 500
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.middleware.http.ConditionalGetMiddleware",  # ETag and 304 for every page
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.middleware.common.CommonMiddleware",
    # Above sessions: it sees whether the reader has one, so the page is shared or private.
    "core.http_cache.CacheHeadersMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "allauth.account.middleware.AccountMiddleware",
]

ROOT_URLCONF = "site_config.urls"
WSGI_APPLICATION = "site_config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "core.context_processors.site",
                "moderation.context_processors.waiting",
                "articles.context_processors.in_review",
            ],
        },
    },
]

# Database: DATABASE_URL (PostgreSQL in production), else an SQLite file in the project.
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers work while one writer writes; IMMEDIATE transactions plus a busy
    # timeout make concurrent writers queue for the lock instead of failing at once.
    DATABASES["default"]["CONN_MAX_AGE"] = env_int("DATABASE_CONN_MAX_AGE", 60)
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"

# Two caches with different promises.
# `default`, the database: allauth's rate limits (allauth.core.ratelimit uses Django's
# default cache) and version stamps, which must never be lost early. Once a database cache
# holds more than MAX_ENTRIES rows, each write culls: it deletes the expired rows, then, if
# still over, a third of the rest whatever they are. At Django's default of 300, page
# fragments made that happen and wiped the sign-in limits. Only small counters and stamps
# live here now, so at a million culling in practice only clears expired rows.
# `pages`, rendered HTML only, which may be culled or evicted at any time: Redis when
# REDIS_URL is set (shared by every node), else this process's memory.
REDIS_URL = os.environ.get("REDIS_URL", "")
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "django_cache",  # created by core's migration 0002
        "OPTIONS": {"MAX_ENTRIES": 1_000_000},
    },
    "pages": (
        {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": os.environ.get("CACHE_KEY_PREFIX", "meridian"),
        }
        if REDIS_URL
        else {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "pages",
            "OPTIONS": {"MAX_ENTRIES": 200},
        }
    ),
}
# The HTTP caches in front (Varnish), purged by key after each change: "http://host:port/,…".
HTTP_CACHE_PURGE_URLS = env_list("HTTP_CACHE_PURGE_URLS", [])
# The deployed release (e.g. a git commit) in every cached page's key; without it, a digest
# of the code and templates.
RELEASE = os.environ.get("RELEASE", "")

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]

LANGUAGE_CODE = "en-gb"
TIME_ZONE = os.environ.get("DJANGO_TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
WHITENOISE_MAX_AGE = 60 * 60 * 24 * 365  # hashed names: cache forever

# Mail: console in DEBUG, SMTP otherwise (Django 6.1's MAILERS).
MAIL_BACKEND = os.environ.get(
    "DJANGO_MAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
MAILERS = {"default": {"BACKEND": MAIL_BACKEND}}
if MAIL_BACKEND.endswith("smtp.EmailBackend"):
    MAILERS["default"]["OPTIONS"] = {
        "host": os.environ.get("DJANGO_SMTP_HOST", "localhost"),
        "port": env_int("DJANGO_SMTP_PORT", 587),
        "username": os.environ.get("DJANGO_SMTP_USER", ""),
        "password": os.environ.get("DJANGO_SMTP_PASSWORD", ""),
        "use_tls": env_bool("DJANGO_SMTP_TLS", True),
        "timeout": 10,
    }
DEFAULT_FROM_EMAIL = os.environ.get("DJANGO_DEFAULT_FROM_EMAIL", "Meridian <noreply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Background work (mail; cache purges): Django's Tasks API on django-tasks-db. Tasks are
# rows in the database we already run, so they are durable and need no new service; a
# task is enqueued in the same transaction as the change it follows (core.tasks.enqueue),
# so it exists exactly when the change committed; the worker is a management command,
# `manage.py db_worker`. Tasks retry with a bound (core.tasks.retried): attempts in all,
# and the delay before the second one, doubling after each failure.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
TASKS_MAX_ATTEMPTS = env_int("TASKS_MAX_ATTEMPTS", 5)
TASKS_RETRY_DELAY_SECONDS = float(os.environ.get("TASKS_RETRY_DELAY_SECONDS", "").strip() or 30)

# Security. Production defaults are strict; each has a switch for unusual deployments.
SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", not DEBUG)
SECURE_HSTS_SECONDS = env_int("DJANGO_HSTS_SECONDS", 0 if DEBUG else 31_536_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = env_bool("DJANGO_HSTS_PRELOAD", not DEBUG)
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
if env_bool("DJANGO_BEHIND_PROXY", False):
    # Only behind a proxy that sets this header itself and strips it from clients.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    USE_X_FORWARDED_HOST = True

# Content Security Policy: same-origin assets only, no inline script or style.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}

# django-allauth (65.x setting names only; `manage.py check` shows no deprecation).
# Readers sign up with a display name, email and password, and sign in by email.
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "/"
ACCOUNT_ADAPTER = "accounts.adapter.AccountAdapter"  # opaque usernames, site-named mail
ACCOUNT_FORMS = {
    "signup": "accounts.forms.SignupForm",  # adds the display name
    "login": "accounts.forms.SignInForm",
    "reset_password": "accounts.forms.ResetPasswordForm",  # the same work for any address
    "add_email": "accounts.forms.ChangeEmailForm",
}
ACCOUNT_USER_DISPLAY = "accounts.adapter.user_display"  # public name, never the email
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_EMAIL_CONFIRMATION_EXPIRE_DAYS = 3
# The link opens a page with a Confirm button: mail scanners that fetch links don't confirm.
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
# Signs in only the browser that signed up (allauth checks its session), not any link holder.
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_CHANGE_EMAIL = True  # one address per account; a change is verified first
ACCOUNT_EMAIL_NOTIFICATIONS = True  # tell the old address about email/password changes
ACCOUNT_REAUTHENTICATION_REQUIRED = True  # re-enter the password before changing email
ACCOUNT_PREVENT_ENUMERATION = True
# A reset for an unknown address shows the same page but mails nobody: the site is not
# a way to send mail to arbitrary addresses.
ACCOUNT_EMAIL_UNKNOWN_ACCOUNTS = False
# Kept in the default cache (the database, never culled early or evicted), so they hold
# across workers and whatever fills the page cache.
# Per ip/key/user; "m" minute, "h" hour. Actions not listed keep allauth's defaults.
ACCOUNT_RATE_LIMITS = {
    "login": "30/m/ip",  # sign-in form posts
    # Wrong passwords: per client address, and per account and address together (the
    # key, accounts.adapter.pre_authenticate), so nobody elsewhere can lock an owner out.
    "login_failed": "10/m/ip,5/5m/key",
    "signup": "20/m/ip,100/h/ip",
    "confirm_email": "1/3m/key",  # verification mails to one address
    "reset_password": "20/m/ip,5/h/key",  # reset mails to one address
    "reset_password_from_key": "20/m/ip",
    "change_password": "5/m/user",
    "manage_email": "10/m/user",
    "reauthenticate": "10/m/user",  # also guards account deletion
}
# Behind a proxy, rate limits must see the client's address, not the proxy's.
ALLAUTH_TRUSTED_PROXY_COUNT = env_int(
    "ALLAUTH_TRUSTED_PROXY_COUNT", 1 if env_bool("DJANGO_BEHIND_PROXY", False) else 0
)
ACCOUNT_EMAIL_SUBJECT_PREFIX = f"[{SITE_NAME}] "
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "http" if DEBUG else "https"
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False  # this session stays; others are signed out

MESSAGE_STORAGE = "django.contrib.messages.storage.session.SessionStorage"
# Sessions live in the database only: no cache can evict a reader's sign-in.
SESSION_ENGINE = "django.contrib.sessions.backends.db"

# Publishing.
ARTICLES_PER_PAGE = 10
WORDS_PER_MINUTE = 230
# A piece is approved by a reviewer before it can be scheduled or published (articles.review).
# Off (0) for a small team: editors publish their drafts themselves.
ARTICLES_REVIEW_REQUIRED = env_bool("ARTICLES_REVIEW_REQUIRED", True)
# Checking a piece's external links (articles.link_checks, in the task worker): how long one
# address may take to answer, who the sites see asking, and whether addresses of private
# networks (loopback, 10.x, link-local...) may be asked (never in production: a body's link
# would reach the servers behind the site).
LINK_CHECK_TIMEOUT_SECONDS = 5
LINK_CHECK_USER_AGENT = f"{SITE_NAME} link checker (+{SITE_URL}/)"
LINK_CHECK_PRIVATE_ADDRESSES = False

# Comments: what they hang on, and who decides what happens to new ones (comments.moderator).
COMMENTS_TARGET_MODEL = "articles.Article"
COMMENTS_MODERATOR = "moderation.rules.SiteModerator"
COMMENTS_MAX_DEPTH = env_int("COMMENTS_MAX_DEPTH", 3)  # levels: a comment, a reply, a reply's reply
COMMENTS_EDIT_WINDOW_MINUTES = env_int("COMMENTS_EDIT_WINDOW_MINUTES", 15)
COMMENTS_CLOSE_AFTER_DAYS = env_int("COMMENTS_CLOSE_AFTER_DAYS", 30)  # 0: never by itself
# Posting attempts per user and, separately, per client address: "<n>/<s|m|h|d>", e.g. "5/m".
# Counted in the database (comments.throttle), exactly, across workers.
COMMENTS_RATE_LIMIT = os.environ.get("COMMENTS_RATE_LIMIT", "5/m")
# New sessions started by signed-out visitors' drafts, per client address (the same syntax).
COMMENTS_DRAFT_RATE_LIMIT = os.environ.get("COMMENTS_DRAFT_RATE_LIMIT", "20/h")
# Notices of illegal content per client address (moderation.notices), the same syntax.
MODERATION_NOTICE_RATE_LIMIT = os.environ.get("MODERATION_NOTICE_RATE_LIMIT", "10/h")
# A statement of reasons is mailed this long after the decision: the time a moderator has to
# undo a slip (an undone decision mails nothing).
MODERATION_STATEMENT_DELAY_SECONDS = env_int("MODERATION_STATEMENT_DELAY_SECONDS", 300)
COMMENTS_PER_PAGE = env_int("COMMENTS_PER_PAGE", 25)  # top-level comments; replies follow
COMMENTS_MAX_LENGTH = 5000  # characters, after trimming
# The same text from the same reader on the same piece within this time is a double submit.
COMMENTS_DUPLICATE_WINDOW_SECONDS = env_int("COMMENTS_DUPLICATE_WINDOW_SECONDS", 120)
# Moderation (moderation/rules.py applies them in order to each new comment).
COMMENTS_MAX_LINKS = env_int("COMMENTS_MAX_LINKS", 2)  # more links than this: held
COMMENTS_HOLD_FIRST_N = env_int("COMMENTS_HOLD_FIRST_N", 1)  # a reader's first N: held
# Trusted (published without review): this many published comments, and none rejected,
# spam or removed in the window. 0: nobody is trusted by count.
COMMENTS_TRUSTED_AFTER = env_int("COMMENTS_TRUSTED_AFTER", 3)
COMMENTS_TRUST_WINDOW_DAYS = env_int("COMMENTS_TRUST_WINDOW_DAYS", 30)
# Repeat posts: a comment whose text is the same as, or nearly the same as (this share of
# its three-word shingles in common, Jaccard; 1.0: only the same text), one posted by another
# reader, or on another piece, in the last COMMENTS_REPEAT_WINDOW_HOURS: held. Texts shorter
# than COMMENTS_REPEAT_MIN_CHARS (after folding case, spaces and punctuation: "I agree!")
# are never repeats; at most COMMENTS_REPEAT_SCAN recent comments are compared.
COMMENTS_REPEAT_SIMILARITY = float(os.environ.get("COMMENTS_REPEAT_SIMILARITY", "0.6"))
COMMENTS_REPEAT_WINDOW_HOURS = env_int("COMMENTS_REPEAT_WINDOW_HOURS", 72)
COMMENTS_REPEAT_MIN_CHARS = env_int("COMMENTS_REPEAT_MIN_CHARS", 40)
COMMENTS_REPEAT_SCAN = env_int("COMMENTS_REPEAT_SCAN", 500)
# Back to pre-moderation: a reader with at least COMMENTS_REJECTION_MIN_DECIDED comments
# decided by moderators in the last COMMENTS_REJECTION_WINDOW_DAYS, of which at least
# COMMENTS_REJECTION_RATE_PERCENT were rejected, spam or removed, has every comment held.
COMMENTS_REJECTION_MIN_DECIDED = env_int("COMMENTS_REJECTION_MIN_DECIDED", 4)
COMMENTS_REJECTION_WINDOW_DAYS = env_int("COMMENTS_REJECTION_WINDOW_DAYS", 30)
COMMENTS_REJECTION_RATE_PERCENT = env_int("COMMENTS_REJECTION_RATE_PERCENT", 50)
# The comment scorer (moderation.scorer, trained by `manage.py train_scorer` and every
# MODERATION_SCORER_RETRAIN_HOURS by the task queue): a score at or past the threshold holds
# a comment for review. It trains on at least MODERATION_SCORER_MIN_DECISIONS moderators'
# decisions, MODERATION_SCORER_MIN_EACH of them approvals and as many turned down, and is
# evaluated on the newest MODERATION_SCORER_HELD_OUT share of them. 0 hours: no schedule.
MODERATION_SCORER_THRESHOLD = float(os.environ.get("MODERATION_SCORER_THRESHOLD", "") or 0.5)
MODERATION_SCORER_MIN_DECISIONS = env_int("MODERATION_SCORER_MIN_DECISIONS", 200)
MODERATION_SCORER_MIN_EACH = env_int("MODERATION_SCORER_MIN_EACH", 20)
MODERATION_SCORER_HELD_OUT = float(os.environ.get("MODERATION_SCORER_HELD_OUT", "") or 0.2)
MODERATION_SCORER_RETRAIN_HOURS = env_int("MODERATION_SCORER_RETRAIN_HOURS", 24)
# Open reports that hide a published comment until a moderator decides (0: never).
COMMENTS_REPORT_THRESHOLD = env_int("COMMENTS_REPORT_THRESHOLD", 3)
# For pieces whose editors leave "Site default": pre_moderate | first_time | post_moderate.
COMMENTS_DEFAULT_POLICY = os.environ.get("COMMENTS_DEFAULT_POLICY", "first_time")
# Mail to moderators when comments wait: "each" (at once), "digest" (manage.py
# send_moderation_digest, from cron) or "off".
COMMENTS_MODERATOR_MAIL = os.environ.get("COMMENTS_MODERATOR_MAIL", "each")
# Keyed hashes of posters' addresses (Comment.ip_hash) are kept this long for abuse work,
# then blanked by `manage.py purge_ip_hashes` (run it daily from cron). 0: never kept.
COMMENTS_IP_HASH_RETENTION_DAYS = env_int("COMMENTS_IP_HASH_RETENTION_DAYS", 30)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("DJANGO_LOG_LEVEL", "INFO")},
}
