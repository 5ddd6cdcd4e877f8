/* The start-up audit of one virtual host and the certificate watch: records
 * filled by the adapter, encoded into one JSON line each (docs/events.md). */
#ifndef TG_AUDIT_EVENT_H
#define TG_AUDIT_EVENT_H

#include <stddef.h>
#include <stdint.h>

#include "tg_certrules.h"

#define TG_AUDIT_MAX_CERTS 8   /* every key type's leaf and chain */
#define TG_AUDIT_MAX_SANS 16
#define TG_AUDIT_MAX_NAMES 16  /* ServerName and ServerAliases */
#define TG_AUDIT_MAX_OPTIONS 16
#define TG_AUDIT_MAX_DEVS 24

/* One certificate, its strings owned here. */
typedef struct tg_audit_cert_t {
    int leaf;                 /* 1: a server certificate; 0: a chain certificate */
    char subject[256];        /* RFC 2253 distinguished names */
    char issuer[256];
    char serial[80];          /* upper-case hex, no colons (as ECS asks) */
    char key_type[16];        /* "RSA", "EC", ... */
    char curve[32];           /* "P-256"; "" if not EC */
    char sig_alg[64];         /* "ecdsa-with-SHA256" */
    char sig_hash[16];        /* "SHA256"; "" if unknown */
    char sha256[65];          /* fingerprint of the DER, upper-case hex (as ECS asks) */
    char sans[TG_AUDIT_MAX_SANS][128]; /* DNS and IP names */
    unsigned n_sans;
    tg_cert_key_t key;        /* points into the strings above */
} tg_audit_cert_t;

/* One weakening option of the option table and where it stands. */
typedef struct tg_audit_option_t {
    const char *name;         /* how a configuration weakens it: "Options -EncryptThenMac" */
    int weakened;             /* 1: the context carries the weakening state */
    int reset;                /* 1: the configuration set it, the policy undid it */
} tg_audit_option_t;

/* A deviation: a rule id, a sentence. */
typedef tg_cert_deviation_t tg_audit_dev_t;

typedef struct tg_audit_t {
    int64_t now_us;           /* Unix microseconds */
    const char *version;      /* observer.version */
    const char *vhost;        /* "<VirtualHost> at file:line (name:port)" */
    const char *policy;       /* profile name */
    const char *mode;         /* "enforce", "report" or "off" */
    const char *versions;     /* "TLSv1.2-TLSv1.3" */
    const char *ciphers12;    /* the whole list, ":"-separated; NULL: TLS 1.2 off */
    const char *suites13;     /* NULL: TLS 1.3 off */
    const char *groups;
    const char *skipped_groups; /* NULL or "" if none */
    const char *skipped_since;  /* "OpenSSL 3.5"; NULL if unknown */
    tg_audit_option_t options[TG_AUDIT_MAX_OPTIONS];
    unsigned n_options;
    int session_tickets;      /* 1: tickets are issued */
    const char *session_cache; /* "server" or "off" */
    int ocsp_stapling;        /* 1: a status callback is installed */
    const char *hsts;         /* the Strict-Transport-Security value sent; NULL: none */
    const char *names[TG_AUDIT_MAX_NAMES]; /* ServerName, then ServerAliases */
    int covered[TG_AUDIT_MAX_NAMES];
    unsigned n_names;
    int chain_verified;
    char chain_error[160];    /* "" when verified */
    char missing_issuer[256]; /* the issuer no store holds; "" if none missing */
    tg_audit_cert_t *certs;
    unsigned n_certs;
    tg_audit_dev_t devs[TG_AUDIT_MAX_DEVS];
    unsigned n_devs;          /* may exceed TG_AUDIT_MAX_DEVS: the rest were not kept */
} tg_audit_t;

/* Whole days from now_us to a certificate's not_after (negative: expired). */
int64_t tg_audit_days_left(int64_t now_us, int64_t not_after);

/* Add a deviation (kept while there is room; counted always). */
void tg_audit_add_dev(tg_audit_t *a, const char *rule, const char *detail);

/* The audit line ('\n'-terminated) into line[0..cap); its length, 0 if cap is too small. */
size_t tg_audit_encode(const tg_audit_t *a, char *line, size_t cap);

/* A certificate-expiring (days_left >= 0) or certificate-expired event. */
typedef struct tg_watch_t {
    int64_t now_us;
    const char *version;
    const char *vhost;
    const char *policy;
    const tg_audit_cert_t *cert;
    int warn_days;            /* TLSGuardCertWarn */
    long pid;                 /* process.pid of the writer */
} tg_watch_t;

size_t tg_watch_encode(const tg_watch_t *w, char *line, size_t cap);

/* "certificate-expired" or "certificate-expiring"; NULL: outside the window. */
const char *tg_watch_action(int64_t days_left, int warn_days);

#endif
