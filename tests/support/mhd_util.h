/* mhd_util.h - the libmicrohttpd boilerplate the test servers share: a daemon on 127.0.0.1
 * whose request callback gathers the whole body, then hands the complete request to a handler. */
#ifndef CF_TEST_MHD_UTIL_H
#define CF_TEST_MHD_UTIL_H

#include <stddef.h>

#include <microhttpd.h>

#include "base/buf.h"

/* Answers one complete request: `body` holds what was uploaded (the handler may take it). */
typedef enum MHD_Result (*cf_mhd_handler_cb)(void *cls, struct MHD_Connection *c, const char *url,
                                             const char *method, cf_buf *body);

typedef struct {
    unsigned flags; /* MHD_USE_* added to MHD_USE_INTERNAL_POLLING_THREAD */
    cf_mhd_handler_cb handler;
    void *cls;                                  /* handed to the handler */
    size_t body_max;                            /* request body bytes accepted */
    MHD_NotifyConnectionCallback on_connection; /* optional */
    void *connection_cls;
    unsigned connection_timeout_s; /* 0: libmicrohttpd's default */
    unsigned connection_limit;     /* 0: libmicrohttpd's default */
    int raw_url; /* 1: the handler sees the URL and query arguments as sent (not decoded) */
} cf_mhd_opts;

/* Starts a daemon on 127.0.0.1, any free port (in *port). NULL when it cannot start.
 * Memory: `o` is borrowed and must outlive the daemon; MHD_stop_daemon() stops it. */
struct MHD_Daemon *cf_mhd_start(const cf_mhd_opts *o, unsigned short *port);

#endif
