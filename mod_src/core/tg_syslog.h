/*
 * tg_syslog: the RFC 5424 header that turns an event line into a syslog
 * message for a local datagram socket, and the facility names. No I/O: the
 * caller sends header and line as one datagram.
 *
 *   <PRI>1 TIMESTAMP HOSTNAME APP-NAME PROCID - - MSG
 *   <157>1 2026-11-23T09:44:05.002210Z www1 tlsguard 4242 - - {"@timestamp":...}
 *
 * PRI is facility * 8 + severity (always notice, 5); TIMESTAMP is UTC with
 * microseconds; MSGID and STRUCTURED-DATA are the NILVALUE "-". MSG is the
 * JSON line without its newline and without a BOM (RFC 5424 MSG-ANY), so
 * JSON parsers in the receiver read it as it is. The header holds nothing
 * from the network: the host name is the machine's, reduced to the
 * printable US-ASCII the RFC allows.
 */
#ifndef TG_SYSLOG_H
#define TG_SYSLOG_H

#include <stddef.h>
#include <stdint.h>

#define TG_SYSLOG_SEVERITY_NOTICE 5
#define TG_SYSLOG_APP_NAME "tlsguard"

/* RFC 5424 field limits (section 6). */
#define TG_SYSLOG_HOST_MAX 255
#define TG_SYSLOG_PROCID_MAX 20 /* digits of any 64-bit process id */

/* The longest header: "<191>1 " + timestamp + " " + host + " " + app + " "
 * + procid + " - - ". */
#define TG_SYSLOG_HEADER_MAX                                                            \
    (7 + 27 + 1 + TG_SYSLOG_HOST_MAX + 1 + (sizeof(TG_SYSLOG_APP_NAME) - 1) + 1          \
     + TG_SYSLOG_PROCID_MAX + 5)

typedef struct tg_syslog_origin_t {
    int facility;                        /* 0..23, RFC 5424 table 1 */
    char host[TG_SYSLOG_HOST_MAX + 1];   /* printable US-ASCII, or "-" */
} tg_syslog_origin_t;

/* The facility code of a name ("local3", case-insensitive), or -1. Only
 * the facilities an application should log to are known: user, daemon,
 * auth, authpriv and local0..local7. */
int tg_syslog_facility(const char *name);

/* The known names, for messages: "user, daemon, auth, authpriv, local0..local7". */
const char *tg_syslog_facility_names(void);

/* Fill origin->host from a host name: bytes outside 0x21..0x7e become '_',
 * at most TG_SYSLOG_HOST_MAX are kept, an empty or NULL name gives "-". */
void tg_syslog_set_host(tg_syslog_origin_t *origin, const char *host);

/* Write the header for a message sent now (time_us since the epoch) by
 * process pid into out[cap]; returns its length, or 0 (nothing useful
 * written) when it does not fit or the facility is out of range. Never
 * writes at or beyond out[cap]; the header is not NUL-terminated. */
size_t tg_syslog_header(const tg_syslog_origin_t *origin, int64_t time_us, uint64_t pid,
                        char *out, size_t cap);

#endif /* TG_SYSLOG_H */
