/* Raw input observer. mod_ssl reads the handshake through this filter, so it
 * tells a silent client (no byte), a client that gave up (EOF after bytes)
 * and a timeout (mod_reqtimeout's APR_TIMEUP below us) apart, and keeps the
 * first bytes of input that OpenSSL cannot parse. It copies, never consumes,
 * and leaves the chain once the handshake is over. */
#include "tg_apache_rawin.h"

#include "tg_apache_stop.h"

#include <http_connection.h>
#include <util_filter.h>

ap_filter_rec_t *tg_ap_rawin_filter_handle;

static void note_bytes(tg_observation_t *obs, apr_bucket_brigade *bb)
{
    for (apr_bucket *b = APR_BRIGADE_FIRST(bb); b != APR_BRIGADE_SENTINEL(bb);
         b = APR_BUCKET_NEXT(b)) {
        const char *data;
        apr_size_t len;
        if (APR_BUCKET_IS_EOS(b)) {
            obs->peer_eof = 1;
            continue;
        }
        if (APR_BUCKET_IS_METADATA(b)
            || apr_bucket_read(b, &data, &len, APR_NONBLOCK_READ) != APR_SUCCESS)
            continue;
        if (obs->first_len < TG_OBS_FIRST_BYTES) {
            apr_size_t take = TG_OBS_FIRST_BYTES - obs->first_len;
            take = take < len ? take : len;
            memcpy(obs->first_bytes + obs->first_len, data, take);
            obs->first_len += take;
        }
        obs->bytes_in += len;
    }
}

apr_status_t tg_ap_rawin_filter(ap_filter_t *f, apr_bucket_brigade *bb, ap_input_mode_t mode,
                             apr_read_type_e block, apr_off_t readbytes)
{
    tg_ap_rawin_t *rw = f->ctx;
    tg_observation_t *obs = rw->obs;
    apr_status_t rv;

    if (apr_atomic_read32(&rw->state) == TG_RAWIN_TAKEN)
        return APR_ECONNABORTED; /* its event is written: nothing more to read */
    if (obs->handshake_done || obs->done_us) {
        apr_atomic_set32(&rw->state, TG_RAWIN_DONE);
        ap_remove_input_filter(f);
        return ap_get_brigade(f->next, bb, mode, block, readbytes);
    }
    apr_atomic_set32(&rw->state, TG_RAWIN_READING);
    rv = ap_get_brigade(f->next, bb, mode, block, readbytes);
    if (apr_atomic_cas32(&rw->state, TG_RAWIN_RUNNING, TG_RAWIN_READING) != TG_RAWIN_READING) {
        /* a stop took the record while this read waited */
        tg_ap_stop_wait_taken();
        apr_brigade_cleanup(bb);
        return APR_ECONNABORTED;
    }
    if (APR_STATUS_IS_TIMEUP(rv))
        obs->read_timeout = 1;
    else if (APR_STATUS_IS_EOF(rv))
        obs->peer_eof = 1;
    else if (rv == APR_SUCCESS && mode != AP_MODE_SPECULATIVE) /* counted when consumed */
        note_bytes(obs, bb);
    return rv;
}

void tg_ap_rawin_add(conn_rec *c, tg_ap_rawin_t *rw)
{
    apr_atomic_set32(&rw->state, TG_RAWIN_RUNNING);
    ap_add_input_filter_handle(tg_ap_rawin_filter_handle, rw, NULL, c);
}

tg_ap_rawin_state_t tg_ap_rawin_take(tg_ap_rawin_t *rw)
{
    return (tg_ap_rawin_state_t)apr_atomic_cas32(&rw->state, TG_RAWIN_TAKEN, TG_RAWIN_READING);
}
