/* Policy model: building a vhost's policy from a profile row and directive
 * adjustments, without any TLS library. */
#include "tg_policy.h"

#include "tg_names.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#define GROUP_NAME_MAX 48 /* longer than any name tg_names knows */

static const char *const deviation_names[] = {"protocols", "ciphers", "cipher suites",
                                              "groups"};

const char *tg_policy_version_name(uint16_t version)
{
    const char *name = tg_names_version(version);
    return name ? name : "unknown";
}

/* TLS 1.0-1.3 only: SSL and DTLS names are known to tg_names but not allowed. */
static int version_of_word(const char *word, size_t len, uint16_t *version)
{
    char buf[16];
    int code;
    if (len >= sizeof(buf))
        return -1;
    memcpy(buf, word, len);
    buf[len] = '\0';
    code = tg_names_version_code(buf);
    if (code < TG_TLS1_0 || code > TG_TLS1_3)
        return -1;
    *version = (uint16_t)code;
    return 0;
}

static int reject_word(const char *word, size_t len, char *err, size_t errlen)
{
    if (len >= 3 && (strncasecmp(word, "SSL", 3) == 0 || strncasecmp(word, "+SSL", 4) == 0))
        snprintf(err, errlen, "\"%.*s\" is not allowed: SSL 2.0 and 3.0 are broken", (int)len,
                 word);
    else
        snprintf(err, errlen,
                 "unknown protocol \"%.*s\" (expected TLSv1, TLSv1.1, TLSv1.2 or TLSv1.3)",
                 (int)len, word);
    return -1;
}

int tg_policy_parse_protocols(const char *text, uint16_t *min, uint16_t *max, char *err,
                              size_t errlen)
{
    unsigned seen = 0; /* bit n: TLS 1.n */
    const char *p = text ? text : "";

    while (*p) {
        while (*p && isspace((unsigned char)*p))
            p++;
        const char *word = p;
        while (*p && !isspace((unsigned char)*p))
            p++;
        size_t len = (size_t)(p - word);
        uint16_t v;
        if (len == 0)
            break;
        if (version_of_word(word, len, &v) != 0)
            return reject_word(word, len, err, errlen);
        seen |= 1u << (v - TG_TLS1_0);
    }
    if (seen == 0) {
        snprintf(err, errlen, "needs at least one protocol (TLSv1.2, TLSv1.3, ...)");
        return -1;
    }
    int lo = 0, hi = 3;
    while (!(seen & (1u << lo)))
        lo++;
    while (!(seen & (1u << hi)))
        hi--;
    for (int v = lo; v <= hi; v++) {
        if (!(seen & (1u << v))) {
            snprintf(err, errlen,
                     "protocols must form one range: %s is missing between %s and %s "
                     "(OpenSSL can only set a minimum and a maximum)",
                     tg_policy_version_name((uint16_t)(TG_TLS1_0 + v)),
                     tg_policy_version_name((uint16_t)(TG_TLS1_0 + lo)),
                     tg_policy_version_name((uint16_t)(TG_TLS1_0 + hi)));
            return -1;
        }
    }
    *min = (uint16_t)(TG_TLS1_0 + lo);
    *max = (uint16_t)(TG_TLS1_0 + hi);
    return 0;
}

/* A colon-separated list: no empty items, no blanks, printable ASCII. */
static int check_list(const char *list, char *err, size_t errlen)
{
    size_t item = 0;
    for (const char *p = list;; p++) {
        if (*p == ':' || *p == '\0') {
            if (item == 0) {
                snprintf(err, errlen, "\"%s\" has an empty entry", list);
                return -1;
            }
            if (*p == '\0')
                return 0;
            item = 0;
        } else if (!isgraph((unsigned char)*p) || *p == ',') {
            snprintf(err, errlen,
                     "\"%s\": separate entries with ':' and no blanks", list);
            return -1;
        } else {
            item++;
        }
    }
}

static int apply_overrides(const tg_policy_overrides_t *ov, tg_policy_t *out, char *err,
                           size_t errlen)
{
    if (ov->protocols) {
        out->failed = TG_SETTING_PROTOCOLS;
        if (tg_policy_parse_protocols(ov->protocols, &out->min_version, &out->max_version, err,
                                      errlen) != 0)
            return -1;
    }
    if (ov->ciphers12)
        out->ciphers12 = ov->ciphers12;
    if (ov->suites13) {
        out->failed = TG_SETTING_SUITES13;
        if (check_list(ov->suites13, err, errlen) != 0)
            return -1;
        out->suites13 = ov->suites13;
    }
    if (ov->groups) {
        out->failed = TG_SETTING_GROUPS;
        if (check_list(ov->groups, err, errlen) != 0)
            return -1;
        out->groups = ov->groups;
    }
    return 0;
}

/* The IANA codes of a group list, for judging hellos without parsing it. */
static size_t resolve_groups(const char *list, uint16_t *codes, size_t cap)
{
    char name[GROUP_NAME_MAX];
    size_t n = 0;

    while (list && *list && n < cap) {
        size_t len = strcspn(list, ":,");
        int code;

        if (len > 0 && len < sizeof name) {
            memcpy(name, list, len);
            name[len] = '\0';
            code = tg_names_group_code(name);
            if (code >= 0)
                codes[n++] = (uint16_t)code;
        }
        list += len;
        list += *list != '\0';
    }
    return n;
}

static unsigned deviations_of(const tg_policy_t *pol)
{
    const tg_profile_t *p = pol->profile;
    unsigned d = 0;
    if (pol->min_version != p->min_version || pol->max_version != p->max_version)
        d |= TG_DEV_PROTOCOLS;
    if (strcmp(pol->ciphers12, p->ciphers12) != 0)
        d |= TG_DEV_CIPHERS;
    if (strcmp(pol->suites13, p->suites13) != 0)
        d |= TG_DEV_SUITES;
    if (strcmp(pol->groups, p->groups) != 0)
        d |= TG_DEV_GROUPS;
    return d;
}

int tg_policy_build(const tg_profile_t *profile, const tg_policy_overrides_t *ov,
                    tg_policy_t *out, char *err, size_t errlen)
{
    static const tg_policy_overrides_t none = {0};
    memset(out, 0, sizeof(*out));
    out->profile = profile;
    out->min_version = profile->min_version;
    out->max_version = profile->max_version;
    out->ciphers12 = profile->ciphers12;
    out->suites13 = profile->suites13;
    out->groups = profile->groups;
    out->server_preference = profile->server_preference;
    out->seclevel = profile->seclevel;
    out->no_session_tickets = profile->no_session_tickets;
    if (apply_overrides(ov ? ov : &none, out, err, errlen) != 0)
        return -1;

    if (out->min_version <= TG_TLS1_2 && out->ciphers12[0] == '\0') {
        out->failed = TG_SETTING_PROTOCOLS;
        out->mend = TG_SETTING_CIPHERS12;
        snprintf(err, errlen, "enables %s but profile %s has no TLS 1.2 ciphers",
                 tg_policy_version_name(out->min_version), profile->name);
        return -1;
    }
    if (out->max_version == TG_TLS1_3 && out->suites13[0] == '\0') {
        out->failed = TG_SETTING_SUITES13;
        snprintf(err, errlen, "TLSv1.3 is enabled but no TLS 1.3 cipher suite is left");
        return -1;
    }
    out->failed = TG_SETTING_NONE;
    /* OpenSSL 3 refuses TLS 1.0/1.1 handshakes above security level 0. */
    if (out->min_version < TG_TLS1_2)
        out->seclevel = 0;
    out->deviations = deviations_of(out);
    out->group_n = resolve_groups(out->groups, out->group_codes, TG_POLICY_MAX_GROUPS);
    return 0;
}

void tg_policy_format_range(uint16_t min, uint16_t max, char *buf, size_t cap)
{
    if (min == max)
        snprintf(buf, cap, "%s", tg_policy_version_name(min));
    else
        snprintf(buf, cap, "%s-%s", tg_policy_version_name(min), tg_policy_version_name(max));
}

void tg_policy_format_deviations(unsigned deviations, char *buf, size_t cap)
{
    size_t used = 0;
    if (cap)
        buf[0] = '\0';
    for (size_t i = 0; i < sizeof(deviation_names) / sizeof(deviation_names[0]); i++) {
        if (!(deviations & (1u << i)) || used >= cap)
            continue;
        int n = snprintf(buf + used, cap - used, "%s%s", used ? ", " : "", deviation_names[i]);
        if (n > 0)
            used += (size_t)n;
    }
}
