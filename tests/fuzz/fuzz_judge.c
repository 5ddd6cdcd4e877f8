/*
 * libFuzzer target: any bytes -> ClientHello parse -> the judge, against
 * every profile (its versions, groups and TLS 1.3 suites; every TLS <= 1.2
 * cipher of the names table as its candidates) and each certificate set.
 * Beyond memory safety it checks that a judgement is consistent: a refusal
 * has a reason and a rule, a pass has none and names what it chose.
 *
 * Seeds: tests/data/fuzz-judge (captured hello messages).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "tg_hello.h"
#include "tg_judge.h"
#include "tg_names.h"
#include "tg_policy.h"

#define CHECK(cond)        \
    do {                   \
        if (!(cond))       \
            abort();       \
    } while (0)

#define MAX_PROFILES 8

static tg_judge_policy_t policies[MAX_PROFILES];
static size_t n_policies;

static const tg_judge_certs_t certs[] = {
    {1, 2048, 0, 0},
    {0, 0, 1, 0x0017},
    {1, 2048, 1, 0x0018},
};

/* word occurs in the first len bytes of s */
static int in_head(const char *s, size_t len, const char *word)
{
    size_t n = strlen(word);
    for (size_t i = 0; i + n <= len; i++) {
        if (memcmp(s + i, word, n) == 0)
            return 1;
    }
    return 0;
}

/* Key exchange and authentication from the IANA name, for fuzzing only
 * (the module reads them from OpenSSL). */
static void cipher_of(const tg_name_t *n, tg_judge_cipher_t *c)
{
    const char *w = strstr(n->iana, "_WITH_");
    size_t head = w ? (size_t)(w - n->iana) : 0;

    c->code = n->code;
    c->kx = strstr(n->iana, "ECDHE") ? TG_KX_ECDHE
            : strstr(n->iana, "DHE") ? TG_KX_DHE
            : strncmp(n->iana, "TLS_RSA_", 8) == 0 ? TG_KX_RSA : TG_KX_OTHER;
    c->auth = in_head(n->iana, head, "ECDSA") ? TG_AUTH_ECDSA
              : in_head(n->iana, head, "RSA") ? TG_AUTH_RSA
              : in_head(n->iana, head, "anon") ? TG_AUTH_NULL : TG_AUTH_OTHER;
    c->min_version = strstr(n->iana, "SHA256") || strstr(n->iana, "SHA384") ||
                             strstr(n->iana, "GCM")
                         ? 0x0303
                         : 0x0301;
}

static void make_policy(const tg_profile_t *prof, tg_judge_policy_t *p)
{
    tg_policy_t pol;
    char err[256];
    size_t n;
    const tg_name_t *names = tg_names_table(TG_NAMES_CIPHER, &n);

    memset(p, 0, sizeof(*p));
    if (tg_policy_build(prof, NULL, &pol, err, sizeof(err)) != 0)
        abort();
    p->name = prof->name;
    p->min_version = pol.min_version;
    p->max_version = pol.max_version;
    p->server_preference = pol.server_preference;
    p->seclevel = pol.seclevel;
    p->dhe = 1;
    memcpy(p->groups, pol.group_codes, sizeof(p->groups));
    p->group_n = pol.group_n;
    for (uint16_t s = 0x1301; s <= 0x1305; s++)
        p->suites[p->suite_n++] = s;
    for (size_t i = 0; i < n && p->cipher_n < TG_JUDGE_MAX_CIPHERS; i++) {
        if ((names[i].code >> 8) != 0x13)
            cipher_of(&names[i], &p->ciphers[p->cipher_n++]);
    }
    tg_judge_set_sigalgs(p, p->seclevel);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    tg_hello_t h;

    if (n_policies == 0) {
        for (const tg_profile_t *prof; n_policies < MAX_PROFILES &&
                                       (prof = tg_profile_at((unsigned)n_policies));)
            make_policy(prof, &policies[n_policies++]);
    }
    if (tg_hello_parse(data, size, &h) != TG_HELLO_OK)
        return 0;
    for (size_t i = 0; i < n_policies; i++) {
        for (size_t k = 0; k < sizeof(certs) / sizeof(certs[0]); k++) {
            tg_judgement_t j;

            tg_judge(&h, &policies[i], &certs[k], &j);
            CHECK(j.rule != NULL);
            CHECK(j.stage == TG_STAGE_CLIENT_HELLO);
            if (j.reject) {
                CHECK(j.reason != TG_REASON_NONE && strcmp(j.rule, "J00") != 0);
            } else {
                CHECK(j.reason == TG_REASON_NONE && strcmp(j.rule, "J00") == 0);
                CHECK(j.version >= policies[i].min_version &&
                      j.version <= policies[i].max_version);
                CHECK(j.cipher != 0);
                CHECK(j.version != 0x0304 || j.group != 0);
            }
        }
    }
    return 0;
}
