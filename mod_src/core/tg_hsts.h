/*
 * tg_hsts.h - the TLSGuardHSTS policy: parse, render, preload check.
 *
 * Accepted text (what follows the directive name, as httpd hands it over):
 *
 *   Off                   no header is sent.
 *   On                    the profile's default max-age with includeSubDomains
 *                         (no preload). The parser cannot know the profile, so
 *                         it returns mode TG_HSTS_ON with max_age 0; the
 *                         adapter calls tg_hsts_from_default() once the
 *                         profile is known (post_config).
 *   <header value>        a Strict-Transport-Security value, RFC 6797 6.1:
 *                         "max-age=63072000; includeSubDomains; preload".
 *
 * On and Off are case-insensitive. The whole text may be wrapped in one pair
 * of double or single quotes (httpd config quoting); inside the wrapper a
 * backslash escapes the wrapping quote or a backslash, as httpd does.
 * Leading and trailing spaces and tabs are ignored.
 *
 * Header value rules (stricter than the RFC where a config typo would
 * otherwise pass silently):
 *   - directives are separated by ';', with optional spaces/tabs around
 *     directives and around '='; names are case-insensitive;
 *   - values are a token or an RFC 7230 quoted-string (max-age="123" works);
 *   - max-age is required: digits only, 0 .. UINT64_MAX (18446744073709551615),
 *     leading zeros allowed; no other upper bound (browsers clamp on their
 *     side; the preload audit warns above ten years);
 *   - max-age=0 is valid and means "withdraw HSTS": withdraw is set;
 *   - includeSubDomains and preload take no value;
 *   - each directive at most once; unknown directives are rejected (RFC 6797
 *     says ignore them; a config should not carry typos);
 *   - preload requires includeSubDomains and max-age >= 31536000 (the
 *     hstspreload.org submission rules);
 *   - empty directives (";;", a leading or trailing ';') are allowed and
 *     ignored, as the RFC grammar allows; an empty text is an error;
 *   - control characters (CR, LF, DEL, ...; a tab is a blank) are
 *     rejected, so the value can never split a header; text longer than
 *     TG_HSTS_TEXT_MAX bytes is rejected.
 *
 * The header the module sends is always tg_hsts_format()'s canonical form
 * (unquoted, no leading zeros, no extra spaces), which the hstspreload.org
 * scanner accepts even where the config used quoting or spacing it does not.
 */
#ifndef TG_HSTS_H
#define TG_HSTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* hstspreload.org: minimum max-age for the preload list (365 days). */
#define TG_HSTS_PRELOAD_MIN_AGE UINT64_C(31536000)
/* hstspreload.org warns (does not refuse) above ten years. */
#define TG_HSTS_PRELOAD_WARN_AGE (UINT64_C(10) * TG_HSTS_PRELOAD_MIN_AGE)
/* Longest directive text accepted, in bytes. */
#define TG_HSTS_TEXT_MAX 1024
/* Buffer size that always holds tg_hsts_format() output plus its NUL. */
#define TG_HSTS_FORMAT_MAX 64

typedef enum {
    TG_HSTS_OFF = 0,   /* send nothing */
    TG_HSTS_ON,        /* profile default max-age + includeSubDomains */
    TG_HSTS_EXPLICIT   /* a header value given in the config */
} tg_hsts_mode_t;

/* Return codes of tg_hsts_parse() (0 = success). */
typedef enum {
    TG_HSTS_OK = 0,
    TG_HSTS_E_ARG,       /* NULL text or out */
    TG_HSTS_E_EMPTY,     /* nothing but blanks */
    TG_HSTS_E_TOO_LONG,  /* over TG_HSTS_TEXT_MAX bytes */
    TG_HSTS_E_SYNTAX,    /* quoting, separators, control characters */
    TG_HSTS_E_UNKNOWN,   /* unknown directive name */
    TG_HSTS_E_REPEATED,  /* directive given twice */
    TG_HSTS_E_VALUE,     /* bad or missing value, or an unwanted one */
    TG_HSTS_E_MISSING,   /* no max-age */
    TG_HSTS_E_PRELOAD    /* preload without its requirements */
} tg_hsts_err_t;

typedef struct {
    tg_hsts_mode_t mode;
    uint64_t max_age;        /* seconds; 0 for OFF and for unresolved ON */
    bool include_subdomains;
    bool preload;
    bool withdraw;           /* max-age=0: tell browsers to forget HSTS */
} tg_hsts_t;

/*
 * Parse a TLSGuardHSTS value. On success returns 0 and fills *out. On error
 * returns a tg_hsts_err_t, sets *out to mode OFF and writes a one-line
 * message into err (when err != NULL and errlen > 0) naming the broken rule
 * and quoting the offending piece, e.g.
 *   unknown directive "includesubdomain"
 *   max-age must be a non-negative integer, got "-1"
 * The message does not name the directive; the caller prefixes it.
 */
int tg_hsts_parse(const char *text, tg_hsts_t *out, char *err, size_t errlen);

/*
 * Resolve "On": mode ON, the given max-age, includeSubDomains, no preload,
 * withdraw when max_age is 0. Returns 0, or TG_HSTS_E_ARG if out is NULL.
 */
int tg_hsts_from_default(uint64_t max_age, tg_hsts_t *out);

/*
 * Render the canonical header value "max-age=N; includeSubDomains; preload"
 * (only the parts set). Returns its length. Returns 0, writing "" when cap
 * > 0, if the policy is NULL or OFF, if buf is too small (a cut header is
 * never produced; TG_HSTS_FORMAT_MAX bytes are always enough), or if
 * max_age is 0 without withdraw set: that is an On never resolved by
 * tg_hsts_from_default(), and sending max-age=0 would withdraw HSTS.
 */
size_t tg_hsts_format(const tg_hsts_t *policy, char *buf, size_t cap);

/*
 * Would hstspreload.org accept this policy (max-age >= one year,
 * includeSubDomains, preload)? Returns 1 if so, 0 if not. why (when
 * non-NULL, whylen > 0) receives every rule missed, separated by "; ", or
 * for an accepted policy either "" or hstspreload.org's ten-year warning.
 */
int tg_hsts_preload_ready(const tg_hsts_t *policy, char *why, size_t whylen);

#endif /* TG_HSTS_H */
