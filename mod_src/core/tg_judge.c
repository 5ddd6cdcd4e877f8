/*
 * tg_judge: OpenSSL 3.0's server decisions on one ClientHello, in its order
 * (see tg_judge.h for the steps and their rule ids; docs/events.md lists
 * them with their limits).
 */
#include "tg_judge.h"

#include <string.h>

/* ---- signature algorithms ------------------------------------------------- */

typedef enum {
    SIG_RSA_PKCS1,
    SIG_RSA_PSS_RSAE,
    SIG_RSA_PSS_PSS,
    SIG_ECDSA,
    SIG_EDDSA,
    SIG_DSA,
} sig_kind_t;

typedef struct sigalg_t {
    uint16_t code;
    uint8_t kind;      /* sig_kind_t */
    uint8_t weak_hash; /* SHA-1 or SHA-224: never in TLS 1.3 */
    uint16_t bits;     /* security bits OpenSSL credits it with */
    uint16_t curve;    /* TLS 1.3 ECDSA: the group the key must be on */
    uint16_t hash_len; /* digest bytes, for the RSA-PSS key size check */
} sigalg_t;

/* OpenSSL 3.0's default list (ssl/t1_lib.c, the server's list when none is
 * configured) in its order, with the security bits of sigalg_security_bits:
 * half the digest size, 64 for SHA-1, 128 for Ed25519, 224 for Ed448. */
static const sigalg_t sigalgs[] = {
    {0x0403, SIG_ECDSA, 0, 128, 0x0017, 32},
    {0x0503, SIG_ECDSA, 0, 192, 0x0018, 48},
    {0x0603, SIG_ECDSA, 0, 256, 0x0019, 64},
    {0x0807, SIG_EDDSA, 0, 128, 0, 0},
    {0x0808, SIG_EDDSA, 0, 224, 0, 0},
    {0x0809, SIG_RSA_PSS_PSS, 0, 128, 0, 32},
    {0x080a, SIG_RSA_PSS_PSS, 0, 192, 0, 48},
    {0x080b, SIG_RSA_PSS_PSS, 0, 256, 0, 64},
    {0x0804, SIG_RSA_PSS_RSAE, 0, 128, 0, 32},
    {0x0805, SIG_RSA_PSS_RSAE, 0, 192, 0, 48},
    {0x0806, SIG_RSA_PSS_RSAE, 0, 256, 0, 64},
    {0x0401, SIG_RSA_PKCS1, 0, 128, 0, 32},
    {0x0501, SIG_RSA_PKCS1, 0, 192, 0, 48},
    {0x0601, SIG_RSA_PKCS1, 0, 256, 0, 64},
    {0x0303, SIG_ECDSA, 1, 112, 0, 28},
    {0x0203, SIG_ECDSA, 1, 64, 0, 20},
    {0x0301, SIG_RSA_PKCS1, 1, 112, 0, 28},
    {0x0201, SIG_RSA_PKCS1, 1, 64, 0, 20},
    {0x0302, SIG_DSA, 1, 112, 0, 28},
    {0x0202, SIG_DSA, 1, 64, 0, 20},
    {0x0402, SIG_DSA, 0, 128, 0, 32},
    {0x0502, SIG_DSA, 0, 192, 0, 48},
    {0x0602, SIG_DSA, 0, 256, 0, 64},
};

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* Minimum security bits per OpenSSL security level 0..5. */
static const int level_bits[] = {0, 80, 112, 128, 192, 256};

static const sigalg_t *sigalg_find(uint16_t code)
{
    for (size_t i = 0; i < COUNT(sigalgs); i++) {
        if (sigalgs[i].code == code)
            return &sigalgs[i];
    }
    return NULL;
}

const uint16_t *tg_judge_default_sigalgs(size_t *n)
{
    static uint16_t codes[COUNT(sigalgs)];

    for (size_t i = 0; i < COUNT(sigalgs); i++)
        codes[i] = sigalgs[i].code;
    *n = COUNT(sigalgs);
    return codes;
}

int tg_judge_sigalg_bits(uint16_t code)
{
    const sigalg_t *s = sigalg_find(code);
    return s ? s->bits : 0;
}

void tg_judge_set_sigalgs(tg_judge_policy_t *p, int level)
{
    int min = level_bits[level < 0 ? 0 : level > 5 ? 5 : level];

    p->sigalg_n = 0;
    for (size_t i = 0; i < COUNT(sigalgs) && p->sigalg_n < TG_JUDGE_MAX_SIGALGS; i++) {
        if (sigalgs[i].bits >= min)
            p->sigalgs[p->sigalg_n++] = sigalgs[i].code;
    }
}

/* ---- small helpers ------------------------------------------------------- */

static int in_u16(uint16_t v, const uint16_t *list, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (list[i] == v)
            return 1;
    }
    return 0;
}

static int in_view(uint16_t v, tg_view_t list)
{
    size_t n = tg_u16_count(list);
    for (size_t i = 0; i < n; i++) {
        if (tg_u16_at(list, i) == v)
            return 1;
    }
    return 0;
}

/* FFDHE groups are TLS 1.3 only in OpenSSL 3.0, the brainpool curves'
 * TLS 1.2 code points TLS 1.2 only. */
static int group_fits(uint16_t g, uint16_t version)
{
    int ffdhe = (g >> 8) == 0x01;
    int brainpool12 = g >= 0x001a && g <= 0x001c;

    if (version == TG_TLS1_3)
        return !brainpool12;
    return !ffdhe;
}

static int client_groups(const tg_hello_t *h)
{
    return (h->seen & TG_HELLO_SEEN_SUPPORTED_GROUPS) && h->groups.len > 0;
}

static int client_sigalgs(const tg_hello_t *h)
{
    return (h->seen & TG_HELLO_SEEN_SIGNATURE_ALGORITHMS) != 0;
}

static void refuse(tg_judgement_t *out, tg_reason_t reason, const char *rule)
{
    out->reject = 1;
    out->reason = reason;
    out->rule = rule;
}

/* ---- J01 version ---------------------------------------------------------- */

static int known_version(uint16_t v)
{
    return v >= TG_TLS1_0 && v <= TG_TLS1_3;
}

static uint16_t choose_version(const tg_hello_t *h, const tg_judge_policy_t *p)
{
    uint16_t best = 0;

    if (h->seen & TG_HELLO_SEEN_SUPPORTED_VERSIONS) {
        size_t n = tg_u16_count(h->versions);
        if (h->legacy_version <= 0x0300)
            return 0; /* SSL 3.0 or older in legacy_version */
        for (size_t i = 0; i < n; i++) {
            uint16_t v = tg_u16_at(h->versions, i);
            if (known_version(v) && v > best && v >= p->min_version && v <= p->max_version)
                best = v;
        }
        return best;
    }
    /* Without the extension: legacy_version, at most TLS 1.2, and below. */
    uint16_t cv = h->legacy_version > TG_TLS1_2 ? TG_TLS1_2 : h->legacy_version;
    uint16_t v = cv < p->max_version ? cv : p->max_version;
    return v >= p->min_version ? v : 0;
}

/* ---- J03 / J08 ciphers ----------------------------------------------------- */

static int hello_has_cipher(const tg_hello_t *h, uint16_t code)
{
    return in_view(code, h->ciphers);
}

/* TLS 1.3: the first suite in the order that wins. */
static uint16_t choose_suite(const tg_hello_t *h, const tg_judge_policy_t *p)
{
    if (p->server_preference) {
        for (size_t i = 0; i < p->suite_n; i++) {
            if (hello_has_cipher(h, p->suites[i]))
                return p->suites[i];
        }
        return 0;
    }
    for (size_t i = 0; i < tg_u16_count(h->ciphers); i++) {
        uint16_t c = tg_u16_at(h->ciphers, i);
        if (in_u16(c, p->suites, p->suite_n))
            return c;
    }
    return 0;
}

/* What the certificates and the client's lists allow for TLS <= 1.2. */
typedef struct fit_t {
    int rsa_enc;   /* static RSA key exchange */
    int rsa_sign;  /* ECDHE-RSA, DHE-RSA */
    int ecdsa;
    int ecdhe;     /* a group both sides have */
    int dhe;
} fit_t;

/* The shared list holds a signature algorithm of that kind. */
static int shared_kind(const tg_hello_t *h, const tg_judge_policy_t *p, int kind1, int kind2)
{
    for (size_t i = 0; i < p->sigalg_n; i++) {
        const sigalg_t *s = sigalg_find(p->sigalgs[i]);
        if (s && (s->kind == kind1 || s->kind == kind2) && in_view(s->code, h->sigalgs))
            return 1;
    }
    return 0;
}

/* An ECDSA key may take an ECDSA cipher in TLS 1.2: with a shared ECDSA
 * algorithm, or, when the client sent none, with the legacy default
 * (ecdsa_sha1) if the level allows it. Below TLS 1.2 every key signs. */
static int ecdsa_can_sign12(const tg_hello_t *h, const tg_judge_policy_t *p, uint16_t version)
{
    if (version < TG_TLS1_2)
        return 1;
    if (!client_sigalgs(h))
        return in_u16(0x0203, p->sigalgs, p->sigalg_n);
    return shared_kind(h, p, SIG_ECDSA, SIG_ECDSA);
}

/* The ECDSA key's curve is among the client's groups (any, if it listed
 * none) and its uncompressed points among the client's point formats. */
static int ecdsa_params_fit(const tg_hello_t *h, const tg_judge_certs_t *c)
{
    if (client_groups(h) && !in_view(c->ecdsa_group, h->groups))
        return 0;
    if ((h->seen & TG_HELLO_SEEN_EC_POINT_FORMATS) &&
        !memchr(h->ec_point_formats.p, 0, h->ec_point_formats.len))
        return 0;
    return 1;
}

static int shared_group12(const tg_hello_t *h, const tg_judge_policy_t *p, uint16_t version)
{
    size_t n = tg_u16_count(h->groups);

    if (!client_groups(h))
        return 0;
    for (size_t i = 0; i < n; i++) {
        uint16_t g = tg_u16_at(h->groups, i);
        if (group_fits(g, version) && in_u16(g, p->groups, p->group_n))
            return 1;
    }
    return 0;
}

static void fit_of(const tg_hello_t *h, const tg_judge_policy_t *p, const tg_judge_certs_t *c,
                   uint16_t version, fit_t *f)
{
    /* OpenSSL offers RSA authentication whenever the RSA key is valid, and
     * finds out only after choosing the cipher that it cannot sign (J09). */
    f->rsa_sign = c->rsa;
    f->rsa_enc = c->rsa;
    f->ecdsa = c->ecdsa && ecdsa_params_fit(h, c) && ecdsa_can_sign12(h, p, version);
    f->ecdhe = shared_group12(h, p, version);
    f->dhe = p->dhe;
}

static int cipher_fits(const tg_judge_cipher_t *ci, const fit_t *f, uint16_t version)
{
    int kx, auth;

    if (version < ci->min_version)
        return 0;
    kx = (ci->kx == TG_KX_RSA && f->rsa_enc) || (ci->kx == TG_KX_ECDHE && f->ecdhe) ||
         (ci->kx == TG_KX_DHE && f->dhe);
    auth = (ci->auth == TG_AUTH_RSA && (ci->kx == TG_KX_RSA ? f->rsa_enc : f->rsa_sign)) ||
           (ci->auth == TG_AUTH_ECDSA && f->ecdsa) || ci->auth == TG_AUTH_NULL;
    return kx && auth;
}

static const tg_judge_cipher_t *find_cipher(const tg_judge_policy_t *p, uint16_t code)
{
    for (size_t i = 0; i < p->cipher_n; i++) {
        if (p->ciphers[i].code == code)
            return &p->ciphers[i];
    }
    return NULL;
}

static const tg_judge_cipher_t *choose_cipher12(const tg_hello_t *h, const tg_judge_policy_t *p,
                                                const fit_t *f, uint16_t version)
{
    if (p->server_preference) {
        for (size_t i = 0; i < p->cipher_n; i++) {
            if (cipher_fits(&p->ciphers[i], f, version) &&
                hello_has_cipher(h, p->ciphers[i].code))
                return &p->ciphers[i];
        }
        return NULL;
    }
    for (size_t i = 0; i < tg_u16_count(h->ciphers); i++) {
        const tg_judge_cipher_t *ci = find_cipher(p, tg_u16_at(h->ciphers, i));
        if (ci && cipher_fits(ci, f, version))
            return ci;
    }
    return NULL;
}

/* ---- J06 key share ------------------------------------------------------------ */

/* 0: a share is accepted or a retry is possible (*group set); else the
 * reason it fails. */
static tg_reason_t choose_group13(const tg_hello_t *h, const tg_judge_policy_t *p,
                                  uint16_t *group, int *retry)
{
    if (!(h->seen & TG_HELLO_SEEN_KEY_SHARE))
        return TG_REASON_NO_SHARED_GROUP; /* no key_share: nothing to retry */
    if (!client_groups(h))
        return TG_REASON_MALFORMED_HELLO; /* key_share without supported_groups */
    for (size_t i = 0; i < h->key_share_n; i++) {
        uint16_t g = h->key_share_groups[i];
        if (!in_view(g, h->groups))
            return TG_REASON_MALFORMED_HELLO; /* a share of a group it did not list */
        if (group_fits(g, TG_TLS1_3) && in_u16(g, p->groups, p->group_n)) {
            *group = g;
            return TG_REASON_NONE;
        }
    }
    for (size_t i = 0; i < p->group_n; i++) {
        uint16_t g = p->groups[i];
        if (group_fits(g, TG_TLS1_3) && in_view(g, h->groups)) {
            *group = g;
            *retry = 1;
            return TG_REASON_NONE;
        }
    }
    return TG_REASON_NO_SHARED_GROUP;
}

/* ---- J07 / J09 signature algorithms --------------------------------------------- */

#define EXT_SIGALGS_CERT 0x0032

/* The list of a signature_algorithms_cert body, if it is one vector. */
static int sigalgs_cert_list(tg_view_t body, tg_view_t *list)
{
    if (body.len < 2)
        return 0;
    list->p = body.p + 2;
    list->len = ((size_t)body.p[0] << 8) | body.p[1];
    return list->len == body.len - 2;
}


static int signed_matches(const sigalg_t *s, const tg_judge_signed_t *by)
{
    switch (s->kind) {
    case SIG_RSA_PKCS1:
        return by->kind == TG_CERTSIG_RSA_PKCS1 && by->hash_len == s->hash_len;
    case SIG_RSA_PSS_RSAE:
    case SIG_RSA_PSS_PSS:
        return by->kind == TG_CERTSIG_RSA_PSS && by->hash_len == s->hash_len;
    case SIG_ECDSA:
        return by->kind == TG_CERTSIG_ECDSA && by->hash_len == s->hash_len;
    case SIG_EDDSA:
        return by->kind == (s->code == 0x0807 ? TG_CERTSIG_ED25519 : TG_CERTSIG_ED448);
    default:
        return 0;
    }
}

/* OpenSSL signs only with a certificate whose own signature the client's
 * signature_algorithms_cert (sac: its body, NULL if none) lists. */
static int cert_allowed(const tg_view_t *sac, const tg_judge_signed_t *by)
{
    tg_view_t list;
    size_t n;

    if (!sac || !sigalgs_cert_list(*sac, &list))
        return 1;
    n = tg_u16_count(list);
    for (size_t i = 0; i < n; i++) {
        const sigalg_t *s = sigalg_find(tg_u16_at(list, i));
        if (s && signed_matches(s, by))
            return 1;
    }
    return 0;
}

static int any_shared_sigalg(const tg_hello_t *h, const tg_judge_policy_t *p)
{
    for (size_t i = 0; i < p->sigalg_n; i++) {
        if (in_view(p->sigalgs[i], h->sigalgs))
            return 1;
    }
    return 0;
}

/* RSA-PSS needs a key of at least twice the digest plus two bytes. */
static int pss_key_fits(const sigalg_t *s, const tg_judge_certs_t *c)
{
    return c->rsa_bits / 8 >= 2u * s->hash_len + 2u;
}

static uint16_t choose_sigalg13(const tg_hello_t *h, const tg_judge_policy_t *p,
                                const tg_judge_certs_t *c, const tg_view_t *sac)
{
    int rsa = c->rsa && cert_allowed(sac, &c->rsa_signed);
    int ecdsa = c->ecdsa && cert_allowed(sac, &c->ecdsa_signed);

    for (size_t i = 0; i < p->sigalg_n; i++) {
        const sigalg_t *s = sigalg_find(p->sigalgs[i]);
        if (!s || s->weak_hash || !in_view(s->code, h->sigalgs))
            continue;
        if (s->kind == SIG_RSA_PSS_RSAE && rsa && pss_key_fits(s, c))
            return s->code;
        if (s->kind == SIG_ECDSA && ecdsa && s->curve == c->ecdsa_group)
            return s->code;
    }
    return 0;
}

/* RFC 5246's default for a client without signature_algorithms. */
static uint16_t legacy_sigalg12(const tg_judge_policy_t *p, const tg_judge_certs_t *c,
                                const tg_view_t *sac, int auth)
{
    uint16_t code = auth == TG_AUTH_ECDSA ? 0x0203 : auth == TG_AUTH_RSA ? 0x0201 : 0;
    const tg_judge_signed_t *by = auth == TG_AUTH_ECDSA ? &c->ecdsa_signed : &c->rsa_signed;

    return code && in_u16(code, p->sigalgs, p->sigalg_n) && cert_allowed(sac, by) ? code : 0;
}

static uint16_t choose_sigalg12(const tg_hello_t *h, const tg_judge_policy_t *p,
                                const tg_judge_certs_t *c, const tg_view_t *sac, int auth)
{
    const tg_judge_signed_t *by = auth == TG_AUTH_ECDSA ? &c->ecdsa_signed : &c->rsa_signed;

    if (!cert_allowed(sac, by))
        return 0;
    for (size_t i = 0; i < p->sigalg_n; i++) {
        const sigalg_t *s = sigalg_find(p->sigalgs[i]);
        if (!s || !in_view(s->code, h->sigalgs))
            continue;
        if (auth == TG_AUTH_ECDSA && s->kind == SIG_ECDSA)
            return s->code;
        if (auth == TG_AUTH_RSA && (s->kind == SIG_RSA_PKCS1 ||
                                    (s->kind == SIG_RSA_PSS_RSAE && pss_key_fits(s, c))))
            return s->code;
    }
    return 0;
}

/* ---- J10 lists OpenSSL refuses to decode --------------------------------------- */

/* signature_algorithms, supported_groups and signature_algorithms_cert
 * must be whole non-empty lists, and ec_point_formats not empty when
 * TLS 1.2 or below is negotiated, ec_point_formats (the only version its
 * parser runs for). */
static int empty_list(const tg_hello_t *h, const tg_view_t *sac, uint16_t version)
{
    tg_view_t list;

    if ((h->seen & TG_HELLO_SEEN_SIGNATURE_ALGORITHMS) && h->sigalgs.len == 0)
        return 1;
    if ((h->seen & TG_HELLO_SEEN_SUPPORTED_GROUPS) && h->groups.len == 0)
        return 1;
    if (sac && (!sigalgs_cert_list(*sac, &list) || list.len == 0 ||
         (list.len % 2 && version >= TG_TLS1_2))) /* odd: read from TLS 1.2 on */
        return 1;
    return version < TG_TLS1_3 && (h->seen & TG_HELLO_SEEN_EC_POINT_FORMATS) &&
           h->ec_point_formats.len == 0;
}

/* ---- the judgement ------------------------------------------------------------------ */

/* What one walk over the extensions tells the later steps. */
typedef struct ext_scan_t {
    tg_view_t sac;        /* signature_algorithms_cert body */
    int has_sac;
    int psk;              /* pre_shared_key present */
    int psk_not_last;     /* ... and followed by another extension */
} ext_scan_t;

#define EXT_PRE_SHARED_KEY 0x0029

static void scan_exts(const tg_hello_t *h, ext_scan_t *x)
{
    tg_ext_iter_t it;
    tg_view_t body;
    uint16_t type;

    memset(x, 0, sizeof(*x));
    tg_hello_ext_first(h, &it);
    while (tg_hello_ext_next(&it, &type, &body)) {
        if (x->psk)
            x->psk_not_last = 1;
        if (type == EXT_PRE_SHARED_KEY)
            x->psk = 1;
        else if (type == EXT_SIGALGS_CERT && !x->has_sac) {
            x->sac = body;
            x->has_sac = 1;
        }
    }
}

static void judge13(const tg_hello_t *h, const tg_judge_policy_t *p, const tg_judge_certs_t *c,
                    const ext_scan_t *x, tg_judgement_t *out)
{
    const tg_view_t *sac = x->has_sac ? &x->sac : NULL;
    tg_reason_t r;

    out->cipher = choose_suite(h, p);
    if (!out->cipher) {
        refuse(out, TG_REASON_NO_SHARED_CIPHER, "J03");
        return;
    }
    if (!memchr(h->compression.p, 0, h->compression.len)) {
        refuse(out, TG_REASON_MALFORMED_HELLO, "J04");
        return;
    }
    if (empty_list(h, sac, out->version)) {
        refuse(out, TG_REASON_MALFORMED_HELLO, "J10");
        return;
    }
    /* Extension parsing (key_share) comes before the final checks. */
    r = choose_group13(h, p, &out->group, &out->retry);
    if (r == TG_REASON_MALFORMED_HELLO) {
        refuse(out, r, "J06");
        return;
    }
    if (!client_sigalgs(h)) {
        refuse(out, TG_REASON_MALFORMED_HELLO, "J05");
        return;
    }
    if (r != TG_REASON_NONE) {
        refuse(out, r, "J06");
        return;
    }
    /* the last extension's final check: a PSK needs its key exchange modes */
    if (x->psk && !(h->seen & TG_HELLO_SEEN_PSK_KEY_EXCHANGE_MODES)) {
        refuse(out, TG_REASON_MALFORMED_HELLO, "J12");
        return;
    }
    if (!any_shared_sigalg(h, p)) {
        refuse(out, TG_REASON_NO_SHARED_SIGALG, "J07");
        return;
    }
    out->sigalg = choose_sigalg13(h, p, c, sac);
    if (!out->sigalg) {
        refuse(out, TG_REASON_NO_SHARED_SIGALG, "J09");
        return;
    }
}

static void judge12(const tg_hello_t *h, const tg_judge_policy_t *p, const tg_judge_certs_t *c,
                    const tg_view_t *sac, tg_judgement_t *out)
{
    fit_t f;
    const tg_judge_cipher_t *ci;

    if (!memchr(h->compression.p, 0, h->compression.len)) {
        refuse(out, TG_REASON_MALFORMED_HELLO, "J04");
        return;
    }
    if (empty_list(h, sac, out->version)) {
        refuse(out, TG_REASON_MALFORMED_HELLO, "J10");
        return;
    }
    if (client_sigalgs(h) && out->version >= TG_TLS1_2 && !any_shared_sigalg(h, p)) {
        refuse(out, TG_REASON_NO_SHARED_SIGALG, "J07");
        return;
    }
    fit_of(h, p, c, out->version, &f);
    ci = choose_cipher12(h, p, &f, out->version);
    if (!ci) {
        refuse(out, TG_REASON_NO_SHARED_CIPHER, "J08");
        return;
    }
    out->cipher = ci->code;
    if (out->version < TG_TLS1_2 || ci->auth == TG_AUTH_NULL)
        return;
    /* Every certificate cipher, static RSA too, needs a signature algorithm
     * for its key: a shared one, else the legacy SHA-1 default if the
     * level allows it. */
    out->sigalg = client_sigalgs(h) ? choose_sigalg12(h, p, c, sac, ci->auth)
                                    : legacy_sigalg12(p, c, sac, ci->auth);
    if (!out->sigalg) {
        refuse(out, TG_REASON_NO_SHARED_SIGALG, "J09");
        return;
    }
}

void tg_judge(const tg_hello_t *h, const tg_judge_policy_t *p, const tg_judge_certs_t *c,
              tg_judgement_t *out)
{
    ext_scan_t x;

    memset(out, 0, sizeof(*out));
    out->stage = TG_STAGE_CLIENT_HELLO;
    out->rule = "J00";
    scan_exts(h, &x);
    /* OpenSSL checks this while collecting the extensions, before the version */
    if (x.psk_not_last) {
        refuse(out, TG_REASON_MALFORMED_HELLO, "J11");
        return;
    }
    out->version = choose_version(h, p);
    if (!out->version) {
        refuse(out, TG_REASON_PROTOCOL_VERSION, "J01");
        return;
    }
    if (hello_has_cipher(h, 0x5600) && out->version < p->max_version) {
        refuse(out, TG_REASON_INAPPROPRIATE_FALLBACK, "J02");
        return;
    }
    if (out->version == TG_TLS1_3)
        judge13(h, p, c, &x, out);
    else
        judge12(h, p, c, x.has_sac ? &x.sac : NULL, out);
}
