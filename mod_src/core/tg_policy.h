/* The TLS policy of one virtual host: a profile row plus the adjustments made
 * by TLSGuardProtocols / TLSGuardCiphers / TLSGuardCipherSuites / TLSGuardGroups. */
#ifndef TG_POLICY_H
#define TG_POLICY_H

#include <stddef.h>
#include <stdint.h>

#include "tg_profile.h"

/* Which parts differ from the named profile (for the start-up line). */
enum {
    TG_DEV_PROTOCOLS = 1u << 0,
    TG_DEV_CIPHERS = 1u << 1,
    TG_DEV_SUITES = 1u << 2,
    TG_DEV_GROUPS = 1u << 3,
};

#define TG_POLICY_MAX_GROUPS 32 /* group codes resolved; the rest are not judged */

/* The setting an error is about. Messages of the core and the OpenSSL layer
 * do not name the host's directives: the host names the setting. */
typedef enum tg_policy_setting_t {
    TG_SETTING_NONE = 0, /* not about one setting */
    TG_SETTING_PROTOCOLS,
    TG_SETTING_CIPHERS12,
    TG_SETTING_SUITES13,
    TG_SETTING_GROUPS,
    TG_SETTING_COUNT
} tg_policy_setting_t;

typedef struct tg_policy_t {
    const tg_profile_t *profile;
    uint16_t min_version;
    uint16_t max_version;
    const char *ciphers12;       /* OpenSSL cipher list for TLS <= 1.2 */
    const char *suites13;        /* TLS 1.3 ciphersuites */
    const char *groups;          /* colon-separated group names */
    uint16_t group_codes[TG_POLICY_MAX_GROUPS]; /* those names as IANA codes, resolved
                                                   by tg_policy_build(); names the IANA
                                                   table lacks are left out */
    size_t group_n;
    int server_preference;
    int seclevel;
    int no_session_tickets;
    unsigned deviations;         /* TG_DEV_* */
    /* On a build error: the setting at fault, and the one that would mend
     * it (TG_SETTING_NONE if none). */
    tg_policy_setting_t failed;
    tg_policy_setting_t mend;
} tg_policy_t;

/* What the directives of one vhost said; NULL means "the profile's value". */
typedef struct tg_policy_overrides_t {
    const char *protocols;
    const char *ciphers12;
    const char *suites13;
    const char *groups;
} tg_policy_overrides_t;

/* "TLSv1.2 TLSv1.3" -> one contiguous range. Returns 0, or -1 with err set. */
int tg_policy_parse_protocols(const char *text, uint16_t *min, uint16_t *max,
                              char *err, size_t errlen);

/* Profile + overrides -> policy, group names resolved to codes once. The
 * strings of `ov` are borrowed, not copied.
 * Checks what can be checked without a TLS library: version range, a TLS 1.2
 * cipher list whenever TLS <= 1.2 is enabled, list syntax. */
int tg_policy_build(const tg_profile_t *profile, const tg_policy_overrides_t *ov,
                    tg_policy_t *out, char *err, size_t errlen);

/* "TLSv1.2" for 0x0303; "unknown" otherwise. */
const char *tg_policy_version_name(uint16_t version);

/* "TLSv1.2-TLSv1.3" or "TLSv1.3" into buf. */
void tg_policy_format_range(uint16_t min, uint16_t max, char *buf, size_t cap);

/* Comma-separated names of the TG_DEV_* bits set ("protocols, groups"). */
void tg_policy_format_deviations(unsigned deviations, char *buf, size_t cap);

#endif
