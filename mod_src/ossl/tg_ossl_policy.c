/* OpenSSL side of enforcement: validate, apply to an SSL_CTX, re-apply to an SSL. */
#include "tg_ossl_policy.h"

#include "tg_names.h"
#include "tg_ossl_guard.h"

#include <openssl/err.h>
#include <stdio.h>
#include <string.h>

/* Every OpenSSL option that weakens a profile when a configuration
 * (SSLOpenSSLConfCmd Options, SSLCompression, SSLInsecureRenegotiation,
 * SSLSessionTickets) sets or clears it. Each guarded context gets the
 * policy's state, on the context and again on the connection after an SNI
 * switch (mod_ssl only adds the new context's options to a connection). */
static const tg_ossl_option_t options[] = {
    {SSL_OP_NO_ENCRYPT_THEN_MAC, 0, "Options -EncryptThenMac",
     "CBC suites without Encrypt-then-MAC (RFC 7366)"},
    {SSL_OP_NO_EXTENDED_MASTER_SECRET, 0, "Options -ExtendedMasterSecret",
     "TLS 1.2 without the extended master secret (RFC 7627)"},
    {SSL_OP_ALLOW_NO_DHE_KEX, 0, "Options AllowNoDHEKex",
     "TLS 1.3 resumption without (EC)DHE: no forward secrecy"},
    {SSL_OP_ALLOW_UNSAFE_LEGACY_RENEGOTIATION, 0, "Options UnsafeLegacyRenegotiation",
     "renegotiation without RFC 5746 protection"},
    {SSL_OP_LEGACY_SERVER_CONNECT, 0, "Options UnsafeLegacyServerConnect",
     "proxy connections to servers without RFC 5746"},
    {SSL_OP_ALLOW_CLIENT_RENEGOTIATION, 0, "Options ClientRenegotiation",
     "client-initiated renegotiation"},
    {SSL_OP_NO_ANTI_REPLAY, 0, "Options -AntiReplay", "TLS 1.3 early data without replay protection"},
    {SSL_OP_NO_COMPRESSION, 1, "SSLCompression on / Options Compression",
     "TLS compression (CRIME)"},
    /* mod_ssl never sets it on a context (it refuses client renegotiation
     * itself): always set, never worth a warning. */
    {SSL_OP_NO_RENEGOTIATION, 1, NULL, "TLS 1.2 renegotiation"},
};

#define N_OPTIONS (sizeof(options) / sizeof(options[0]))

/* Only the profile decides about session tickets; mod_ssl's default is on,
 * so turning them off is no news (the start-up line states it). */
static const tg_ossl_option_t no_tickets = {SSL_OP_NO_TICKET, 1, NULL,
                                            "RFC 5077 session tickets"};

const tg_ossl_option_t *tg_ossl_option_table(size_t *count)
{
    *count = N_OPTIONS;
    return options;
}

/* The reason of the newest queued OpenSSL error, then an empty queue. */
static void take_openssl_error(char *buf, size_t cap)
{
    unsigned long e = ERR_peek_last_error();
    const char *reason = e ? ERR_reason_error_string(e) : NULL;
    snprintf(buf, cap, "%s", reason ? reason : "rejected");
    ERR_clear_error();
}

static int is_tls13(const SSL_CIPHER *c)
{
    return tg_ossl_is_tls13_suite((uint16_t)SSL_CIPHER_get_protocol_id(c));
}

static int count_ciphers(SSL_CTX *ctx, int want_tls13)
{
    STACK_OF(SSL_CIPHER) *sk = SSL_CTX_get_ciphers(ctx);
    int n = 0;
    for (int i = 0; sk && i < sk_SSL_CIPHER_num(sk); i++) {
        n += is_tls13(sk_SSL_CIPHER_value(sk, i)) == want_tls13;
    }
    return n;
}

/* One context for every check of a configuration cycle (single-threaded):
 * creating a context costs OpenSSL 3 far more than using one. The host
 * frees it when the cycle ends: a module reload at a graceful restart would
 * otherwise lose the pointer and leak the context. */
static SSL_CTX *scratch;

void tg_ossl_release_scratch(void)
{
    SSL_CTX_free(scratch);
    scratch = NULL;
}

static SSL_CTX *scratch_ctx(void)
{
    if (!scratch)
        scratch = SSL_CTX_new(TLS_server_method());
    if (scratch)
        SSL_CTX_set_security_level(scratch, 0); /* judge the list, not the level */
    return scratch;
}

typedef struct {
    int (*set)(SSL_CTX *, const char *);
    int tls13;              /* which ciphers the list must select */
    const char *what;
} list_check_t;

static const list_check_t check_ciphers12 = {SSL_CTX_set_cipher_list, 0, "cipher list"};
static const list_check_t check_suites13 = {SSL_CTX_set_ciphersuites, 1,
                                            "TLS 1.3 cipher suites"};

static int check_list(const list_check_t *check, const char *list, char *err, size_t errlen)
{
    char why[128];
    SSL_CTX *ctx = scratch_ctx();
    if (!ctx) {
        snprintf(err, errlen, "OpenSSL could not create a context");
        return -1;
    }
    if (check->set(ctx, list) != 1) {
        take_openssl_error(why, sizeof(why));
        snprintf(err, errlen, "OpenSSL rejects the %s \"%s\": %s", check->what, list, why);
        return -1;
    }
    if (count_ciphers(ctx, check->tls13) == 0) {
        snprintf(err, errlen, "the %s \"%s\" selects no TLS %s cipher", check->what, list,
                 check->tls13 ? "1.3" : "1.2");
        return -1;
    }
    return 0;
}

int tg_ossl_check_ciphers12(const char *list, char *err, size_t errlen)
{
    return check_list(&check_ciphers12, list, err, errlen);
}

int tg_ossl_check_suites13(const char *list, char *err, size_t errlen)
{
    return check_list(&check_suites13, list, err, errlen);
}

/* Append ":item"; -1 (buf unchanged) when it does not fit. */
static int append_item(char *buf, size_t cap, const char *item, size_t len)
{
    size_t used = strlen(buf);
    if (used + len + 2 > cap)
        return -1;
    if (used)
        buf[used++] = ':';
    memcpy(buf + used, item, len);
    buf[used + len] = '\0';
    return 0;
}

/* Split the group list into what this OpenSSL knows and what it lacks. */
static int resolve_groups(SSL_CTX *probe, const char *groups, tg_ossl_resolved_t *res,
                          char *err, size_t errlen)
{
    char one[64];
    res->groups[0] = res->skipped_groups[0] = '\0';
    for (const char *p = groups; *p;) {
        size_t len = strcspn(p, ":");
        if (len >= sizeof(one)) {
            snprintf(err, errlen, "group name \"%.*s\" is too long", (int)len, p);
            return -1;
        }
        memcpy(one, p, len);
        one[len] = '\0';
        int known = SSL_CTX_set1_groups_list(probe, one) == 1;
        if (!known && tg_names_group_code(one) < 0) {
            ERR_clear_error();
            snprintf(err, errlen, "unknown group \"%s\" (neither OpenSSL nor the IANA "
                     "registry knows it)", one);
            return -1;
        }
        char *into = known ? res->groups : res->skipped_groups;
        if (append_item(into, TG_OSSL_LIST_MAX, one, len) != 0) {
            snprintf(err, errlen, "the list \"%.60s...\" is longer than %d "
                     "bytes", groups, TG_OSSL_LIST_MAX - 1);
            return -1;
        }
        ERR_clear_error();
        p += len + (p[len] == ':');
    }
    if (res->groups[0] == '\0') {
        snprintf(err, errlen, "none of the groups \"%s\" is available in %s", groups,
                 OpenSSL_version(OPENSSL_VERSION));
        return -1;
    }
    return 0;
}

int tg_ossl_policy_resolve(const tg_policy_t *pol, tg_ossl_resolved_t *res, char *err,
                           size_t errlen)
{
    SSL_CTX *probe;
    int rv = -1;

    memset(res, 0, sizeof(*res));
    res->failed = TG_SETTING_CIPHERS12;
    if (pol->min_version <= TLS1_2_VERSION
        && tg_ossl_check_ciphers12(pol->ciphers12, err, errlen) != 0)
        return -1;
    res->failed = TG_SETTING_SUITES13;
    if (pol->max_version == TLS1_3_VERSION
        && tg_ossl_check_suites13(pol->suites13, err, errlen) != 0)
        return -1;
    res->failed = TG_SETTING_NONE;
    if (!(probe = scratch_ctx())) {
        snprintf(err, errlen, "OpenSSL could not create a context");
        return -1;
    }
    res->failed = TG_SETTING_GROUPS;
    if (resolve_groups(probe, pol->groups, res, err, errlen) == 0) {
        res->failed = TG_SETTING_NONE;
        if (pol->min_version <= TLS1_2_VERSION) {
            SSL_CTX_set_cipher_list(probe, pol->ciphers12);
            res->n_ciphers12 = count_ciphers(probe, 0);
        }
        SSL_CTX_set_ciphersuites(probe, pol->suites13);
        res->n_suites13 = count_ciphers(probe, 1);
        rv = 0;
    }
    ERR_clear_error();
    return rv;
}

/* OpenSSL reports 0 for "no limit": make the bounds explicit. */
uint16_t tg_ossl_ctx_min(SSL_CTX *ctx)
{
    long v = SSL_CTX_get_min_proto_version(ctx);
    return (uint16_t)(v ? v : TLS1_VERSION);
}

uint16_t tg_ossl_ctx_max(SSL_CTX *ctx)
{
    long v = SSL_CTX_get_max_proto_version(ctx);
    return (uint16_t)(v ? v : TLS1_3_VERSION);
}

void tg_ossl_effective_record(SSL_CTX *ctx, tg_ossl_effective_t *eff)
{
    memset(eff, 0, sizeof(*eff));
    eff->orig_min_version = tg_ossl_ctx_min(ctx);
    eff->orig_max_version = tg_ossl_ctx_max(ctx);
    eff->orig_options = SSL_CTX_get_options(ctx);
    eff->min_version = eff->orig_min_version;
    eff->max_version = eff->orig_max_version;
    eff->server_preference = (eff->orig_options & SSL_OP_CIPHER_SERVER_PREFERENCE) != 0;
    eff->set = 1;
}

static int intersect_versions(const tg_policy_t *pol, tg_ossl_effective_t *eff, char *err,
                              size_t errlen)
{
    char own[32], want[32];
    uint16_t lo = pol->min_version > eff->orig_min_version ? pol->min_version
                                                           : eff->orig_min_version;
    uint16_t hi = pol->max_version < eff->orig_max_version ? pol->max_version
                                                           : eff->orig_max_version;
    if (lo > hi) {
        tg_policy_format_range(eff->orig_min_version, eff->orig_max_version, own, sizeof(own));
        tg_policy_format_range(pol->min_version, pol->max_version, want, sizeof(want));
        snprintf(err, errlen,
                 "no protocol version left: SSLProtocol allows %s, the policy (profile %s) "
                 "allows %s",
                 own, pol->profile->name, want);
        return -1;
    }
    eff->min_version = lo;
    eff->max_version = hi;
    return 0;
}

static int set_lists(SSL_CTX *ctx, const tg_policy_t *pol, const tg_ossl_resolved_t *res,
                     char *err, size_t errlen)
{
    char why[128];
    const char *what = NULL;
    if (pol->min_version <= TLS1_2_VERSION && SSL_CTX_set_cipher_list(ctx, pol->ciphers12) != 1)
        what = "TLS 1.2 cipher list";
    else if (SSL_CTX_set_ciphersuites(ctx, pol->suites13) != 1)
        what = "TLS 1.3 cipher suites";
    else if (SSL_CTX_set1_groups_list(ctx, res->groups) != 1)
        what = "groups";
    if (what) {
        take_openssl_error(why, sizeof(why));
        snprintf(err, errlen, "OpenSSL refused the %s: %s", what, why);
        return -1;
    }
    return 0;
}

/* What the policy requires of each option bit, and which weakening ones the
 * context carries as mod_ssl left it. */
static void plan_options(const tg_policy_t *pol, tg_ossl_effective_t *eff)
{
    eff->options_set = eff->options_cleared = 0;
    for (size_t i = 0; i <= N_OPTIONS; i++) {
        const tg_ossl_option_t *o = i < N_OPTIONS ? &options[i] : &no_tickets;
        if (o == &no_tickets && !pol->no_session_tickets)
            continue;
        if (o->policy_sets)
            eff->options_set |= o->bit;
        else
            eff->options_cleared |= o->bit;
    }
    eff->options_set |= pol->server_preference ? SSL_OP_CIPHER_SERVER_PREFERENCE : 0;
    eff->options_cleared |= pol->server_preference ? 0 : SSL_OP_CIPHER_SERVER_PREFERENCE;
    /* Without a ticket rule the vhost's own SSLSessionTickets holds, also on a
     * connection that started on another vhost's context. */
    if (!pol->no_session_tickets) {
        if (eff->orig_options & SSL_OP_NO_TICKET)
            eff->options_set |= SSL_OP_NO_TICKET;
        else
            eff->options_cleared |= SSL_OP_NO_TICKET;
    }
    eff->options_reset = (eff->orig_options & eff->options_cleared)
                         | (~eff->orig_options & eff->options_set);
    for (size_t i = 0; i < N_OPTIONS; i++) {
        if (!options[i].weakened) /* not a weakening a configuration chose */
            eff->options_reset &= ~options[i].bit;
    }
    /* the policy's cipher order and tickets are stated on the start-up line */
    eff->options_reset &= ~(uint64_t)(SSL_OP_CIPHER_SERVER_PREFERENCE | SSL_OP_NO_TICKET);
}

/* Whatever a vhost asked for, never go below the profile's security level;
 * a profile that needs level 0 (TLS < 1.2) gets exactly that. */
static int seclevel_for(SSL_CTX *ctx, const tg_policy_t *pol)
{
    int own = SSL_CTX_get_security_level(ctx);
    if (pol->seclevel == 0)
        return 0;
    return own > pol->seclevel ? own : pol->seclevel;
}

/* Read back what OpenSSL now holds: a policy is applied or start-up fails. */
static int verify_ctx(SSL_CTX *ctx, const tg_policy_t *pol, const tg_ossl_effective_t *eff,
                      char *err, size_t errlen)
{
    uint64_t opts = SSL_CTX_get_options(ctx);
    if (tg_ossl_ctx_min(ctx) != eff->min_version || tg_ossl_ctx_max(ctx) != eff->max_version)
        snprintf(err, errlen, "OpenSSL did not keep the protocol range");
    else if ((opts & eff->options_set) != eff->options_set || (opts & eff->options_cleared))
        snprintf(err, errlen, "OpenSSL did not keep the policy's options (%#llx set, %#llx "
                 "cleared; it has %#llx)", (unsigned long long)eff->options_set,
                 (unsigned long long)eff->options_cleared, (unsigned long long)opts);
    else if (eff->min_version <= TLS1_2_VERSION && count_ciphers(ctx, 0) == 0)
        snprintf(err, errlen, "no TLS 1.2 cipher is left");
    else if (eff->max_version == TLS1_3_VERSION && count_ciphers(ctx, 1) == 0)
        snprintf(err, errlen, "no TLS 1.3 cipher suite is left");
    else if (SSL_CTX_get_security_level(ctx) < pol->seclevel)
        snprintf(err, errlen, "OpenSSL did not keep security level %d", pol->seclevel);
    else
        return 0;
    return -1;
}

int tg_ossl_policy_apply_ctx(SSL_CTX *ctx, const tg_policy_t *pol,
                             const tg_ossl_resolved_t *res, tg_ossl_effective_t *eff,
                             char *err, size_t errlen)
{
    tg_ossl_effective_record(ctx, eff);
    if (intersect_versions(pol, eff, err, errlen) != 0)
        return -1;
    if (SSL_CTX_set_min_proto_version(ctx, eff->min_version) != 1
        || SSL_CTX_set_max_proto_version(ctx, eff->max_version) != 1) {
        snprintf(err, errlen, "OpenSSL refused the protocol range");
        ERR_clear_error();
        return -1;
    }
    SSL_CTX_set_security_level(ctx, seclevel_for(ctx, pol));
    if (set_lists(ctx, pol, res, err, errlen) != 0)
        return -1;
    plan_options(pol, eff);
    SSL_CTX_clear_options(ctx, eff->options_cleared);
    SSL_CTX_set_options(ctx, eff->options_set);
    tg_ossl_guard_install(ctx, eff);
    eff->guarded = 1;
    eff->server_preference = pol->server_preference;
    eff->groups = res->groups;
    return verify_ctx(ctx, pol, eff, err, errlen);
}

void tg_ossl_policy_apply_ssl(SSL *ssl, const tg_ossl_effective_t *eff)
{
    SSL_set_min_proto_version(ssl, eff->min_version);
    SSL_set_max_proto_version(ssl, eff->max_version);
    if (eff->groups)
        SSL_set1_groups_list(ssl, eff->groups);
    if (eff->guarded) {
        /* The connection was made from another vhost's context, whose
         * options (a TLSGuard Off vhost's -EncryptThenMac) it still has. */
        SSL_clear_options(ssl, eff->options_cleared);
        SSL_set_options(ssl, eff->options_set);
    } else if (eff->server_preference) {
        SSL_set_options(ssl, SSL_OP_CIPHER_SERVER_PREFERENCE);
    } else {
        SSL_clear_options(ssl, SSL_OP_CIPHER_SERVER_PREFERENCE);
    }
    ERR_clear_error();
}

size_t tg_ossl_describe_ciphers(SSL_CTX *ctx, int want13, char *buf, size_t cap)
{
    STACK_OF(SSL_CIPHER) *sk = SSL_CTX_get_ciphers(ctx);
    size_t need = 0;
    if (cap)
        buf[0] = '\0';
    for (int i = 0; sk && i < sk_SSL_CIPHER_num(sk); i++) {
        const SSL_CIPHER *c = sk_SSL_CIPHER_value(sk, i);
        if (is_tls13(c) != want13)
            continue;
        const char *name = SSL_CIPHER_get_name(c);
        size_t len = strlen(name) + (need ? 1 : 0);
        if (need + len < cap)
            snprintf(buf + need, cap - need, "%s%s", need ? ":" : "", name);
        need += len;
    }
    return need;
}
