/* Named TLS profiles: one data row each, matching a published guideline. */
#ifndef TG_PROFILE_H
#define TG_PROFILE_H

#include <stdint.h>

#define TG_TLS1_0 0x0301
#define TG_TLS1_1 0x0302
#define TG_TLS1_2 0x0303
#define TG_TLS1_3 0x0304

typedef struct tg_profile_t {
    const char *name;            /* directive keyword */
    const char *source;          /* the guideline the row reproduces */
    uint16_t min_version;        /* TG_TLS1_x */
    uint16_t max_version;
    const char *ciphers12;       /* OpenSSL cipher list for TLS <= 1.2, "" if none */
    const char *suites13;        /* TLS 1.3 ciphersuites, OpenSSL syntax */
    const char *groups;          /* key-exchange groups in preference order */
    int server_preference;       /* 1: the server's cipher order wins */
    int seclevel;                /* OpenSSL security level the profile needs */
    uint64_t hsts_max_age;       /* default for TLSGuardHSTS On */
    int deprecated;              /* 1: warn at start-up that it is not recommended */
    int no_session_tickets;      /* 1: the source turns RFC 5077 session tickets off */
    int ocsp_stapling;           /* 1: the source asks for OCSP stapling (audited, not set:
                                    it needs SSLStaplingCache) */
} tg_profile_t;

/* The profile used when none is configured. */
#define TG_PROFILE_DEFAULT "intermediate"

const tg_profile_t *tg_profile_find(const char *name);
/* Rows in table order, NULL past the end; for listings and tests. */
const tg_profile_t *tg_profile_at(unsigned i);
/* "modern|intermediate|..." for error messages; static storage. */
const char *tg_profile_names(void);

#endif
