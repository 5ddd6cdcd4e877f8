/* OpenSSL side of enforcement: validate, apply to an SSL_CTX, re-apply to an SSL. */
#include "tg_ossl_policy.h"

#include "tg_names.h"

#include <openssl/err.h>
#include <stdio.h>
#include <string.h>

#define TG_REQUIRED_OPTIONS (SSL_OP_NO_COMPRESSION | SSL_OP_NO_RENEGOTIATION)
#define TG_FORBIDDEN_OPTIONS                                                                   \
    (SSL_OP_ALLOW_UNSAFE_LEGACY_RENEGOTIATION | SSL_OP_ALLOW_CLIENT_RENEGOTIATION              \
     | SSL_OP_LEGACY_SERVER_CONNECT)

/* The reason of the newest queued OpenSSL error, then an empty queue. */
static void take_openssl_error(char *buf, size_t cap)
{
    unsigned long e = ERR_peek_last_error();
    const char *reason = e ? ERR_reason_error_string(e) : NULL;
    snprintf(buf, cap, "%s", reason ? reason : "rejected");
    ERR_clear_error();
}

static int is_tls13_id(uint16_t protocol_id)
{
    return (protocol_id >> 8) == 0x13;
}

static int is_tls13(const SSL_CIPHER *c)
{
    return is_tls13_id((uint16_t)SSL_CIPHER_get_protocol_id(c));
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

/* One context for every check of the configuration phase (single-threaded):
 * creating a context costs OpenSSL 3 far more than using one. Kept for the
 * life of the process. */
static SSL_CTX *scratch_ctx(void)
{
    static SSL_CTX *scratch;
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

static void append_item(char *buf, size_t cap, const char *item, size_t len)
{
    size_t used = strlen(buf);
    if (used + len + 2 > cap)
        return;
    if (used)
        buf[used++] = ':';
    memcpy(buf + used, item, len);
    buf[used + len] = '\0';
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
            snprintf(err, errlen, "TLSGuardGroups: group name \"%.*s\" is too long", (int)len, p);
            return -1;
        }
        memcpy(one, p, len);
        one[len] = '\0';
        if (SSL_CTX_set1_groups_list(probe, one) == 1) {
            append_item(res->groups, sizeof(res->groups), one, len);
        } else if (tg_names_group_code(one) >= 0) {
            append_item(res->skipped_groups, sizeof(res->skipped_groups), one, len);
        } else {
            ERR_clear_error();
            snprintf(err, errlen, "TLSGuardGroups: unknown group \"%s\" (neither OpenSSL nor the IANA "
                     "registry knows it)", one);
            return -1;
        }
        ERR_clear_error();
        p += len + (p[len] == ':');
    }
    if (res->groups[0] == '\0') {
        snprintf(err, errlen, "TLSGuardGroups: none of the groups \"%s\" is available in %s", groups,
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
    if (pol->min_version <= TLS1_2_VERSION
        && tg_ossl_check_ciphers12(pol->ciphers12, err, errlen) != 0)
        return -1;
    if (pol->max_version == TLS1_3_VERSION
        && tg_ossl_check_suites13(pol->suites13, err, errlen) != 0)
        return -1;
    if (!(probe = scratch_ctx())) {
        snprintf(err, errlen, "OpenSSL could not create a context");
        return -1;
    }
    if (resolve_groups(probe, pol->groups, res, err, errlen) == 0) {
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
static uint16_t ctx_min(SSL_CTX *ctx)
{
    long v = SSL_CTX_get_min_proto_version(ctx);
    return (uint16_t)(v ? v : TLS1_VERSION);
}

static uint16_t ctx_max(SSL_CTX *ctx)
{
    long v = SSL_CTX_get_max_proto_version(ctx);
    return (uint16_t)(v ? v : TLS1_3_VERSION);
}

void tg_ossl_effective_record(SSL_CTX *ctx, tg_ossl_effective_t *eff)
{
    memset(eff, 0, sizeof(*eff));
    eff->orig_min_version = ctx_min(ctx);
    eff->orig_max_version = ctx_max(ctx);
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

static void set_options(SSL_CTX *ctx, const tg_policy_t *pol)
{
    SSL_CTX_clear_options(ctx, TG_FORBIDDEN_OPTIONS | SSL_OP_CIPHER_SERVER_PREFERENCE);
    SSL_CTX_set_options(ctx, TG_REQUIRED_OPTIONS
                                 | (pol->server_preference ? SSL_OP_CIPHER_SERVER_PREFERENCE
                                                           : 0));
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
    if (ctx_min(ctx) != eff->min_version || ctx_max(ctx) != eff->max_version)
        snprintf(err, errlen, "OpenSSL did not keep the protocol range");
    else if ((opts & TG_REQUIRED_OPTIONS) != TG_REQUIRED_OPTIONS || (opts & TG_FORBIDDEN_OPTIONS))
        snprintf(err, errlen, "OpenSSL did not keep compression and renegotiation off");
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

/* Whatever later sets another cipher list on a connection (mod_ssl does, for
 * per-directory SSLCipherSuite renegotiation), OpenSSL asks the security
 * callback before it agrees on a cipher: only the policy's can be chosen. */
static int security_cb(const SSL *s, const SSL_CTX *ctx, int op, int bits, int nid,
                       void *other, void *ex)
{
    const tg_ossl_effective_t *eff = ex;
    if (!eff->chained(s, ctx, op, bits, nid, other, ex))
        return 0;
    if (op != SSL_SECOP_CIPHER_SHARED || !other)
        return 1;
    uint16_t id = (uint16_t)SSL_CIPHER_get_protocol_id((const SSL_CIPHER *)other);
    for (int i = 0; i < eff->n_allowed; i++) {
        if (eff->allowed[i] == id)
            return 1;
    }
    return 0;
}

static void lock_ciphers(SSL_CTX *ctx, tg_ossl_effective_t *eff)
{
    STACK_OF(SSL_CIPHER) *sk = SSL_CTX_get_ciphers(ctx);
    /* A TLS 1.3-only policy keeps the vhost's unused TLS 1.2 list: lock the suites. */
    int only13 = eff->min_version > TLS1_2_VERSION;
    eff->n_allowed = 0;
    for (int i = 0; sk && i < sk_SSL_CIPHER_num(sk) && eff->n_allowed < TG_OSSL_MAX_CIPHERS; i++) {
        uint16_t id = (uint16_t)SSL_CIPHER_get_protocol_id(sk_SSL_CIPHER_value(sk, i));
        if (!only13 || is_tls13_id(id))
            eff->allowed[eff->n_allowed++] = id;
    }
    eff->chained = SSL_CTX_get_security_callback(ctx);
    SSL_CTX_set0_security_ex_data(ctx, eff);
    SSL_CTX_set_security_callback(ctx, security_cb);
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
    set_options(ctx, pol);
    lock_ciphers(ctx, eff);
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
    if (eff->server_preference)
        SSL_set_options(ssl, SSL_OP_CIPHER_SERVER_PREFERENCE);
    else
        SSL_clear_options(ssl, SSL_OP_CIPHER_SERVER_PREFERENCE);
    ERR_clear_error();
}

static void describe_ciphers(SSL_CTX *ctx, int want13, char *buf, size_t cap)
{
    STACK_OF(SSL_CIPHER) *sk = SSL_CTX_get_ciphers(ctx);
    buf[0] = '\0';
    for (int i = 0; sk && i < sk_SSL_CIPHER_num(sk); i++) {
        const SSL_CIPHER *c = sk_SSL_CIPHER_value(sk, i);
        if (is_tls13(c) != want13)
            continue;
        const char *name = SSL_CIPHER_get_name(c);
        append_item(buf, cap, name, strlen(name));
    }
}

void tg_ossl_describe_ctx(SSL_CTX *ctx, char *ciphers12, size_t c12cap, char *suites13,
                          size_t s13cap)
{
    describe_ciphers(ctx, 0, ciphers12, c12cap);
    describe_ciphers(ctx, 1, suites13, s13cap);
}
