/* The observation record: reset, the parsed hello, and the names of the
 * TLS-library reasons. */
#include "tg_observation.h"

#include <string.h>

static const char *const tls_error_names[TG_TLSERR_COUNT] = {
    [TG_TLSERR_NONE] = "none",
    [TG_TLSERR_UNSUPPORTED_PROTOCOL] = "unsupported_protocol",
    [TG_TLSERR_NO_SHARED_CIPHER] = "no_shared_cipher",
    [TG_TLSERR_NO_SHARED_GROUP] = "no_shared_group",
    [TG_TLSERR_NO_SHARED_SIGALG] = "no_shared_sigalg",
    [TG_TLSERR_INAPPROPRIATE_FALLBACK] = "inappropriate_fallback",
    [TG_TLSERR_NO_APPLICATION_PROTOCOL] = "no_application_protocol",
    [TG_TLSERR_UNRECOGNIZED_NAME] = "unrecognized_name",
    [TG_TLSERR_HTTP_REQUEST] = "http_request",
    [TG_TLSERR_HTTPS_PROXY_REQUEST] = "https_proxy_request",
    [TG_TLSERR_NOT_TLS] = "not_tls",
    [TG_TLSERR_MALFORMED] = "malformed",
    [TG_TLSERR_POLICY_UNRESOLVED] = "policy_unresolved",
    [TG_TLSERR_BAD_RECORD_MAC] = "bad_record_mac",
    [TG_TLSERR_DECRYPT_ERROR] = "decrypt_error",
    [TG_TLSERR_PEER_ALERT] = "peer_alert",
    [TG_TLSERR_PEER_CERTIFICATE] = "peer_certificate",
    [TG_TLSERR_PEER_NO_CERTIFICATE] = "peer_no_certificate",
    [TG_TLSERR_UNEXPECTED_EOF] = "unexpected_eof",
    [TG_TLSERR_CALLBACK_FAILED] = "callback_failed",
    [TG_TLSERR_NO_RENEGOTIATION] = "no_renegotiation",
    [TG_TLSERR_RENEGOTIATION_REFUSED] = "renegotiation_refused",
    [TG_TLSERR_INTERNAL] = "internal",
    [TG_TLSERR_OTHER] = "other",
};

void tg_observation_init(tg_observation_t *obs)
{
    memset(obs, 0, sizeof(*obs));
    obs->last_msg_in = TG_OBS_NO_MSG;
    obs->last_msg_out = TG_OBS_NO_MSG;
}

const char *tg_tls_error_name(tg_tls_error_t e)
{
    if ((unsigned)e >= TG_TLSERR_COUNT || !tls_error_names[e])
        return "other";
    return tls_error_names[e];
}

int tg_observation_later_pending(const tg_observation_t *obs)
{
    return obs->phase != TG_OBS_PHASE_FIRST && !obs->phase_done;
}

int tg_observation_complete(const tg_observation_t *obs)
{
    return obs->handshake_done && !tg_observation_later_pending(obs);
}

void tg_observation_set_hello(tg_observation_t *obs, const uint8_t *msg, size_t len,
                              int truncated)
{
    obs->hello = msg;
    obs->hello_len = len;
    obs->hello_truncated = truncated;
    obs->hello_err = tg_hello_parse(msg, len, &obs->hello_view);
    obs->hello_parsed = 1;
}
