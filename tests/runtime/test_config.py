"""Settings come from the environment with development defaults, and a bad value stops the
process with a message naming the variable and the rule it breaks."""

from __future__ import annotations

from pathlib import Path

import pytest

from runtime.config import DEV_FIELD_KEY, DEV_JWT_SECRET, SettingsError, load_settings

SECRET = "s3cr3t-jwt-value-from-the-vault"
FIELD_KEY = "cHJvZHVjdGlvbi1rZXktZm9yLWNsaWVudDM2MC0wMDA="


def test_an_empty_environment_gives_the_documented_defaults():
    settings = load_settings({})

    assert settings.environment == "development"
    assert not settings.is_production
    assert settings.data_dir == Path("var").resolve()
    assert settings.log_level == "INFO"
    assert settings.nats_url == "nats://127.0.0.1:4222"
    assert settings.store == "sqlite"
    assert settings.mongodb_uri == ""
    assert settings.jwt_secret.reveal() == DEV_JWT_SECRET
    assert settings.jwt_issuer == "client360"
    assert settings.jwt_audience == "client360-gateway"
    assert settings.field_key.reveal() == DEV_FIELD_KEY
    assert settings.gateway_host == "127.0.0.1"
    assert settings.gateway_port == 8000
    assert settings.service_addr("identity") == "127.0.0.1:50051"
    assert settings.service_addr("compliance") == "127.0.0.1:50056"
    assert settings.service_deadline == 2.0
    assert settings.read_retries == 1
    assert settings.otlp_endpoint == ""
    assert settings.trace_file == ""
    assert settings.demo_data is False
    assert settings.demo_tenant == "agency-demo"


def test_an_empty_value_counts_as_unset():
    settings = load_settings({"C360_GATEWAY_PORT": "", "C360_STORE": ""})

    assert settings.gateway_port == 8000
    assert settings.store == "sqlite"


def test_given_values_are_read_and_converted():
    settings = load_settings(
        {
            "C360_GATEWAY_PORT": "9001",
            "C360_SERVICE_DEADLINE": "0.5",
            "C360_READ_RETRIES": "0",
            "C360_DEMO_DATA": "YES",
            "C360_IDENTITY_ADDR": "identity.internal:7000",
            "C360_STORE": "mongodb",
            "MONGODB_URI": "mongodb://db:27017/?replicaSet=rs0",
            "C360_DATA_DIR": "/srv/c360",
        }
    )

    assert settings.gateway_port == 9001
    assert settings.service_deadline == 0.5
    assert settings.read_retries == 0
    assert settings.demo_data is True
    assert settings.service_addr("identity") == "identity.internal:7000"
    assert settings.store == "mongodb"
    assert settings.mongodb_uri == "mongodb://db:27017/?replicaSet=rs0"
    assert settings.data_dir == Path("/srv/c360")


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("1", True), ("true", True), ("On", True), ("0", False), ("FALSE", False), ("no", False)],
)
def test_flags_accept_the_usual_spellings(raw, expected):
    assert load_settings({"C360_DEMO_DATA": raw}).demo_data is expected


def test_secrets_stay_out_of_reprs():
    settings = load_settings({"C360_JWT_SECRET": SECRET, "C360_FIELD_KEY": FIELD_KEY})

    assert settings.jwt_secret.reveal() == SECRET
    for text in (repr(settings.jwt_secret), str(settings.jwt_secret), repr(settings)):
        assert SECRET not in text
        assert FIELD_KEY not in text
    assert DEV_JWT_SECRET not in repr(load_settings({}))


CALLER_KEY = "c" * 40
PRODUCTION = {
    "C360_ENV": "production",
    "C360_JWT_SECRET": SECRET,
    "C360_FIELD_KEY": FIELD_KEY,
    "C360_CALLER_KEY": CALLER_KEY,
    "C360_JWKS_URL": "https://idp.example/jwks.json",
}


def test_production_with_its_secrets_loads():
    settings = load_settings(PRODUCTION)

    assert settings.is_production
    assert settings.jwt_secret.reveal() == SECRET
    assert settings.field_key.reveal() == FIELD_KEY
    assert settings.caller_key.reveal() == CALLER_KEY
    assert settings.jwks_url == "https://idp.example/jwks.json"


@pytest.mark.parametrize(
    ("env", "variable", "rule"),
    [
        ({"C360_GATEWAY_PORT": "abc"}, "C360_GATEWAY_PORT", "between 1 and 65535"),
        ({"C360_GATEWAY_PORT": "70000"}, "C360_GATEWAY_PORT", "between 1 and 65535"),
        ({"C360_GATEWAY_PORT": "0"}, "C360_GATEWAY_PORT", "between 1 and 65535"),
        ({"C360_SERVICE_DEADLINE": "-1"}, "C360_SERVICE_DEADLINE", "positive number of seconds"),
        ({"C360_SERVICE_DEADLINE": "0"}, "C360_SERVICE_DEADLINE", "positive number of seconds"),
        ({"C360_SERVICE_DEADLINE": "soon"}, "C360_SERVICE_DEADLINE", "positive number of seconds"),
        ({"C360_SERVICE_DEADLINE": "nan"}, "C360_SERVICE_DEADLINE", "positive number of seconds"),
        ({"C360_SERVICE_DEADLINE": "inf"}, "C360_SERVICE_DEADLINE", "positive number of seconds"),
        ({"C360_READ_RETRIES": "-1"}, "C360_READ_RETRIES", "0 or more"),
        ({"C360_READ_RETRIES": "1.5"}, "C360_READ_RETRIES", "0 or more"),
        ({"C360_STORE": "oracle"}, "C360_STORE", "must be one of sqlite, mongodb"),
        ({"C360_ENV": "staging"}, "C360_ENV", "must be one of development, production"),
        ({"C360_LOG_LEVEL": "loud"}, "C360_LOG_LEVEL", "must be one of"),
        ({"C360_DEMO_DATA": "maybe"}, "C360_DEMO_DATA", "must be true or false"),
        ({"C360_IDENTITY_ADDR": "nohostport"}, "C360_IDENTITY_ADDR", "must be host:port"),
        ({"C360_IDENTITY_ADDR": ":50051"}, "C360_IDENTITY_ADDR", "must be host:port"),
        ({"C360_IDENTITY_ADDR": "host:99999"}, "C360_IDENTITY_ADDR", "between 1 and 65535"),
        ({"C360_COMPLIANCE_ADDR": "host:port"}, "C360_COMPLIANCE_ADDR", "between 1 and 65535"),
        ({"C360_STORE": "mongodb"}, "MONGODB_URI", "required when C360_STORE=mongodb"),
        ({"C360_ENV": "production"}, "C360_JWT_SECRET", "required"),
        (
            {"C360_ENV": "production", "C360_JWT_SECRET": SECRET},
            "C360_FIELD_KEY",
            "required",
        ),
        (
            {"C360_ENV": "production", "C360_JWT_SECRET": SECRET, "C360_FIELD_KEY": FIELD_KEY},
            "C360_CALLER_KEY",
            "required",
        ),
        (
            {k: v for k, v in PRODUCTION.items() if k != "C360_JWKS_URL"},
            "C360_JWKS_URL",
            "required when C360_ENV=production",
        ),
        ({"C360_JWKS_URL": "ftp://idp/keys"}, "C360_JWKS_URL", "must be an http(s) URL"),
        ({"C360_GATEWAY_WORKERS": "0"}, "C360_GATEWAY_WORKERS", "1 or more"),
    ],
)
def test_a_bad_value_fails_fast_naming_the_variable_and_the_rule(env, variable, rule):
    with pytest.raises(SettingsError) as raised:
        load_settings(env)

    message = str(raised.value)
    assert message.startswith(f"{variable}: ")
    assert rule in message
    # Python's own conversion messages are not a rule the operator can act on.
    assert "invalid literal" not in message
    assert "could not convert" not in message


def test_a_bad_value_is_quoted_in_the_message():
    with pytest.raises(SettingsError, match=r"got 'abc'"):
        load_settings({"C360_GATEWAY_PORT": "abc"})


def test_cors_origins_are_a_list_of_origins_and_none_by_default():
    assert load_settings({}).cors_origins == ()
    settings = load_settings(
        {"C360_CORS_ORIGINS": "https://portal.example.fr/, http://localhost:5173"}
    )
    assert settings.cors_origins == ("https://portal.example.fr", "http://localhost:5173")


@pytest.mark.parametrize(
    "raw", ["portal.example.fr", "ftp://x.fr", "https://x.fr/path", "https://"]
)
def test_a_cors_origin_that_is_not_an_origin_is_refused(raw):
    with pytest.raises(SettingsError, match=r"^C360_CORS_ORIGINS: .*must be an origin"):
        load_settings({"C360_CORS_ORIGINS": raw})


def test_every_registered_service_has_an_address_setting():
    from runtime.services import SERVICES

    settings = load_settings(
        {spec.address_variable: f"{spec.name}.internal:7000" for spec in SERVICES}
    )
    assert {spec.name: settings.service_addr(spec.name) for spec in SERVICES} == {
        spec.name: f"{spec.name}.internal:7000" for spec in SERVICES
    }
    with pytest.raises(SettingsError, match="no service named 'payroll'"):
        settings.service_addr("payroll")
