/* route_server.c - canned answers by method and path, and a log of the requests as sent. */
#include "route_server.h"

#include <fnmatch.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <microhttpd.h>

#include "base/buf.h"
#include "mhd_util.h"

struct cf_route_server {
    struct MHD_Daemon *daemon;
    cf_mhd_opts mhd; /* borrowed by the daemon */
    const cf_route *routes;
    size_t count;
    unsigned short port;
    pthread_mutex_t lock;
    cf_buf log;
};

typedef struct {
    cf_buf *out;
    int first;
} arg_walk;

static enum MHD_Result add_arg(void *cls, enum MHD_ValueKind kind, const char *key,
                               const char *value)
{
    (void)kind;
    arg_walk *w = cls;
    cf_rc rc = cf_buf_addf(w->out, "%c%s%s%s", w->first ? '?' : '&', key, value ? "=" : "",
                           value ? value : "");
    w->first = 0;
    return rc == CF_OK ? MHD_YES : MHD_NO;
}

static enum MHD_Result add_header(void *cls, enum MHD_ValueKind kind, const char *key,
                                  const char *value)
{
    (void)kind;
    return cf_buf_addf(cls, "  %s: %s\n", key, value ? value : "") == CF_OK ? MHD_YES : MHD_NO;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url,
                                  const char *method, cf_buf *body)
{
    cf_route_server *s = cls;
    pthread_mutex_lock(&s->lock);
    /* A log past its bound frees itself: the test then sees an empty log and fails. */
    arg_walk w = {&s->log, 1};
    cf_rc rc = cf_buf_addf(&s->log, "%s %s", method, url);
    MHD_get_connection_values(c, MHD_GET_ARGUMENT_KIND, add_arg, &w);
    if (rc == CF_OK)
        rc = cf_buf_addc(&s->log, '\n');
    MHD_get_connection_values(c, MHD_HEADER_KIND, add_header, &s->log);
    if (rc == CF_OK && body->len)
        rc = cf_buf_addf(&s->log, "  body: %.*s\n", (int)body->len, body->ptr);
    pthread_mutex_unlock(&s->lock);
    const cf_route *r = NULL;
    for (size_t i = 0; i < s->count && !r; i++)
        if ((!s->routes[i].method || strcmp(s->routes[i].method, method) == 0) &&
            fnmatch(s->routes[i].path, url, 0) == 0)
            r = &s->routes[i];
    const char *text = r && r->body ? r->body : "";
    struct MHD_Response *resp =
        MHD_create_response_from_buffer(strlen(text), (void *)text, MHD_RESPMEM_MUST_COPY);
    if (!resp)
        return MHD_NO;
    if (r && r->body)
        MHD_add_response_header(resp, "Content-Type",
                                r->content_type ? r->content_type : "application/json");
    enum MHD_Result ok = MHD_queue_response(c, !r ? 418 : r->status ? r->status : 200, resp);
    MHD_destroy_response(resp);
    return ok;
}

cf_route_server *cf_route_server_start(const cf_route *routes, size_t n)
{
    cf_route_server *s = calloc(1, sizeof(*s));
    if (!s)
        return NULL;
    s->routes = routes;
    s->count = n;
    pthread_mutex_init(&s->lock, NULL);
    cf_buf_init(&s->log, 4u * 1024u * 1024u);
    s->mhd = (cf_mhd_opts){.handler = on_request, .cls = s, .body_max = 1u << 20, .raw_url = 1};
    s->daemon = cf_mhd_start(&s->mhd, &s->port);
    if (!s->daemon) {
        cf_route_server_stop(s);
        return NULL;
    }
    return s;
}

void cf_route_server_stop(cf_route_server *s)
{
    if (!s)
        return;
    if (s->daemon)
        MHD_stop_daemon(s->daemon);
    cf_buf_free(&s->log);
    pthread_mutex_destroy(&s->lock);
    free(s);
}

char *cf_route_server_url(const cf_route_server *s, char *out, size_t n)
{
    snprintf(out, n, "http://127.0.0.1:%u", (unsigned)s->port);
    return out;
}

char *cf_route_server_log(cf_route_server *s)
{
    pthread_mutex_lock(&s->lock);
    const char *text = cf_buf_str(&s->log);
    char *copy = malloc(strlen(text) + 1);
    if (copy)
        memcpy(copy, text, strlen(text) + 1);
    pthread_mutex_unlock(&s->lock);
    return copy;
}
