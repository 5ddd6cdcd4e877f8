/* The server name as OpenSSL 3.0 reads a server_name extension body
 * (RFC 6066 §3): the first entry of the list, which must be a host_name;
 * later entries are not read. Plain C, no nginx or OpenSSL types, so that
 * tests/fuzz/fuzz_sni_name.c can drive it. */
#ifndef TG_NGX_SNI_NAME_H
#define TG_NGX_SNI_NAME_H

#include <stddef.h>
#include <stdint.h>

#define TG_NGX_SNI_HOST_NAME 0 /* NameType host_name */

/* ext[0..len): the extension body (a 2-byte list length, then entries of a
 * 1-byte type and a 2-byte length-prefixed name). Returns 1 and the first
 * entry's name (a view into ext) when that entry is a host_name whose
 * length fits both the list and ext; 0 otherwise. */
static inline int tg_ngx_sni_first_host_name(const uint8_t *ext, size_t len,
                                             const uint8_t **name, size_t *name_len)
{
    size_t list, n;
    if (ext == NULL || len < 5)
        return 0;
    list = (size_t)ext[0] << 8 | ext[1];
    n = (size_t)ext[3] << 8 | ext[4];
    if (list > len - 2 || list < 3 || ext[2] != TG_NGX_SNI_HOST_NAME || n > list - 3)
        return 0;
    *name = ext + 5;
    *name_len = n;
    return 1;
}

#endif
