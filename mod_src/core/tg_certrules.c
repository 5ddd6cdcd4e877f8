/* Certificate rules per profile. Each row cites the text it reproduces. */
#include "tg_certrules.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#define DAY 86400

static const tg_certrules_t rows[] = {
    /* Mozilla Server Side TLS 6.0 guidelines (mozilla/ssl-config-generator
     * src/static/guidelines/6.0.json), "modern": certificate_types [ecdsa],
     * certificate_curves [prime256v1, secp384r1], rsa_key_size null,
     * maximum_certificate_lifespan 90. */
    {"modern", 0, ":P-256:P-384:", 90, "Mozilla Server Side TLS 6.0 (modern)"},
    /* Same file, "intermediate": certificate_types [ecdsa, rsa], rsa_key_size
     * 2048, certificate_curves [prime256v1, secp384r1],
     * maximum_certificate_lifespan 366. */
    {"intermediate", 2048, ":P-256:P-384:", 366, "Mozilla Server Side TLS 6.0 (intermediate)"},
    /* Mozilla guidelines 5.8 (src/static/guidelines/5.8.json), "old":
     * rsa_key_size 2048, certificate_curves [prime256v1, secp384r1],
     * maximum_certificate_lifespan 366. */
    {"old", 2048, ":P-256:P-384:", 366, "Mozilla Server Side TLS 5.8 (old)"},
    /* NIST SP 800-52 Rev. 2 §3.1: the key shall provide at least 112 bits of
     * security (RSA >= 2048); EC curves "should be P-256 or P-384"; §3.5.1
     * lists P-521 among the curves a server may use. No lifespan rule. */
    {"nist-800-52r2", 2048, ":P-256:P-384:P-521:", 0, "NIST SP 800-52 Rev. 2 (2019) §3.1"},
    /* BSI TR-02102-2 (2023-01) §3.4.3 with TR-02102-1 (2023-01) Table 1.2:
     * RSA at least 3000 bits from 2024, EC keys at least 250 bits on the
     * curves of Table 4 (NIST P-256/384/521, brainpoolP256r1/384r1/512r1). */
    {"bsi-tr-02102-2", 3000,
     ":P-256:P-384:P-521:brainpoolP256r1:brainpoolP384r1:brainpoolP512r1:", 0,
     "BSI TR-02102-2 (2023-01) with TR-02102-1 Table 1.2"},
};

#define NROWS (sizeof(rows) / sizeof(rows[0]))

const tg_certrules_t *tg_certrules_find(const char *profile)
{
    for (size_t i = 0; profile && i < NROWS; i++) {
        if (strcmp(rows[i].profile, profile) == 0)
            return &rows[i];
    }
    return NULL;
}

typedef struct {
    tg_cert_deviation_t *out;
    size_t cap, n;
} found_t;

static void add(found_t *f, const char *rule, const char *detail)
{
    if (f->n < f->cap) {
        f->out[f->n].rule = rule;
        snprintf(f->out[f->n].detail, sizeof(f->out[f->n].detail), "%s", detail);
    }
    f->n++;
}

static int curve_allowed(const char *curves, const char *curve)
{
    char framed[48];
    if (!curve)
        return 0;
    snprintf(framed, sizeof(framed), ":%s:", curve);
    return strstr(curves, framed) != NULL;
}

static void check_key(const tg_certrules_t *r, const tg_cert_key_t *k, found_t *f)
{
    char d[160];
    if (strcmp(k->type, "RSA") == 0) {
        if (r->rsa_min_bits == 0) {
            snprintf(d, sizeof(d), "RSA keys are not allowed (%s: ECDSA only)", r->source);
            add(f, "key_type", d);
        } else if (k->bits < r->rsa_min_bits) {
            snprintf(d, sizeof(d), "RSA %u bits, fewer than %u (%s)", k->bits, r->rsa_min_bits,
                     r->source);
            add(f, "rsa_key_size", d);
        }
    } else if (strcmp(k->type, "EC") == 0) {
        if (!curve_allowed(r->curves, k->curve)) {
            snprintf(d, sizeof(d), "curve %s is not among %s (%s)", k->curve ? k->curve : "?",
                     r->curves, r->source);
            add(f, "curve", d);
        }
    } else {
        snprintf(d, sizeof(d), "%s keys are not allowed (%s)", k->type, r->source);
        add(f, "key_type", d);
    }
}

static void check_lifespan(const tg_certrules_t *r, const tg_cert_key_t *k, found_t *f)
{
    char d[160];
    int64_t days = (k->not_after - k->not_before) / DAY;
    if (r->max_days && days > (int64_t)r->max_days) {
        snprintf(d, sizeof(d), "valid for %lld days, more than %u (%s)", (long long)days,
                 r->max_days, r->source);
        add(f, "lifespan", d);
    }
}

static void check_signature(const tg_cert_key_t *k, found_t *f)
{
    char d[160];
    if (k->self_signed || !k->sig_hash)
        return;
    if (strcasecmp(k->sig_hash, "SHA1") == 0 || strcasecmp(k->sig_hash, "MD5") == 0) {
        snprintf(d, sizeof(d), "signed with %s, which no profile accepts (collisions are "
                 "practical: SHAttered, 2017)", k->sig_hash);
        add(f, "sha1_signature", d);
    }
}

size_t tg_certrules_check(const tg_certrules_t *rules, const tg_cert_key_t *key, int leaf,
                          tg_cert_deviation_t *out, size_t cap)
{
    found_t f = {out, cap, 0};
    if (leaf && rules) {
        check_key(rules, key, &f);
        check_lifespan(rules, key, &f);
    }
    check_signature(key, &f);
    return f.n;
}
