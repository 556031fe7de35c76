/* mhd_util.c - a loopback libmicrohttpd daemon that gathers each request body for a handler. */
#include "mhd_util.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "net_util.h"

/* Per request: the body received so far. */
typedef struct {
    cf_buf body;
} request_ctx;

/* libmicrohttpd calls this first with no context (make one), then once per piece of the body
 * (keep it), then once more with nothing left: the request is complete. */
static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url,
                                  const char *method, const char *version, const char *upload_data,
                                  size_t *upload_data_size, void **con_cls)
{
    const cf_mhd_opts *o = cls;
    (void)version;
    request_ctx *ctx = *con_cls;
    if (!ctx) {
        if (!(ctx = calloc(1, sizeof(*ctx))))
            return MHD_NO;
        cf_buf_init(&ctx->body, o->body_max);
        *con_cls = ctx;
        return MHD_YES;
    }
    if (*upload_data_size) {
        if (cf_buf_add(&ctx->body, upload_data, *upload_data_size) != CF_OK)
            return MHD_NO;
        *upload_data_size = 0;
        return MHD_YES;
    }
    return o->handler(o->cls, c, url, method, &ctx->body);
}

static void on_completed(void *cls, struct MHD_Connection *c, void **con_cls,
                         enum MHD_RequestTerminationCode toe)
{
    (void)cls;
    (void)c;
    (void)toe;
    request_ctx *ctx = *con_cls;
    if (ctx) {
        cf_buf_free(&ctx->body);
        free(ctx);
        *con_cls = NULL;
    }
}

/* Leaves a URL or argument as sent: tests then see the percent-encoding on the wire. */
static size_t keep_escaped(void *cls, struct MHD_Connection *c, char *s)
{
    (void)cls;
    (void)c;
    return strlen(s);
}

struct MHD_Daemon *cf_mhd_start(const cf_mhd_opts *o, unsigned short *port)
{
    struct sockaddr_in addr = cf_test_loopback(0);
    struct MHD_OptionItem items[7];
    size_t n = 0;
    items[n++] = (struct MHD_OptionItem){MHD_OPTION_SOCK_ADDR, 0, &addr};
    items[n++] = (struct MHD_OptionItem){MHD_OPTION_NOTIFY_COMPLETED, (intptr_t)on_completed, NULL};
    if (o->on_connection)
        items[n++] = (struct MHD_OptionItem){MHD_OPTION_NOTIFY_CONNECTION,
                                             (intptr_t)o->on_connection, o->connection_cls};
    if (o->connection_timeout_s)
        items[n++] = (struct MHD_OptionItem){MHD_OPTION_CONNECTION_TIMEOUT,
                                             (intptr_t)o->connection_timeout_s, NULL};
    if (o->connection_limit)
        items[n++] = (struct MHD_OptionItem){MHD_OPTION_CONNECTION_LIMIT,
                                             (intptr_t)o->connection_limit, NULL};
    if (o->raw_url)
        items[n++] =
            (struct MHD_OptionItem){MHD_OPTION_UNESCAPE_CALLBACK, (intptr_t)keep_escaped, NULL};
    items[n++] = (struct MHD_OptionItem){MHD_OPTION_END, 0, NULL};
    struct MHD_Daemon *d =
        MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD | o->flags, 0, NULL, NULL, on_request,
                         (void *)o, MHD_OPTION_ARRAY, items, MHD_OPTION_END);
    const union MHD_DaemonInfo *info = d ? MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT) : NULL;
    if (!info || !info->port) {
        if (d)
            MHD_stop_daemon(d);
        return NULL;
    }
    *port = info->port;
    return d;
}
