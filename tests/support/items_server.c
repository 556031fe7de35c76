/* items_server.c - the Items contract served by hand with libmicrohttpd: bearer auth, GET /items
 * with a bounded `limit`, GET /items/{itemId} with a bounded id and an enumerated `view`, errors
 * as {"message": ...}; one planted fault on getItem when asked. */
#include "items_server.h"

#include <criterion/criterion.h>

#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "base/utf8.h"
#include "mhd_util.h"

struct cf_items_server {
    cf_items_fault fault;
    struct MHD_Daemon *daemon;
    cf_mhd_opts mhd;
    char url[64];
    atomic_uint applied;
};

static enum MHD_Result reply(struct MHD_Connection *c, unsigned status, cJSON *body)
{
    char *text = body ? cJSON_PrintUnformatted(body) : NULL;
    cJSON_Delete(body);
    if (!text)
        return MHD_NO;
    struct MHD_Response *r =
        MHD_create_response_from_buffer(strlen(text), text, MHD_RESPMEM_MUST_FREE);
    if (!r) {
        free(text);
        return MHD_NO;
    }
    MHD_add_response_header(r, "Content-Type", "application/json");
    enum MHD_Result res = MHD_queue_response(c, status, r);
    MHD_destroy_response(r);
    return res;
}

static enum MHD_Result error(struct MHD_Connection *c, unsigned status, const char *message)
{
    cJSON *e = cJSON_CreateObject();
    if (e && !cJSON_AddStringToObject(e, "message", message)) {
        cJSON_Delete(e);
        e = NULL;
    }
    return reply(c, status, e);
}

static const char *arg(struct MHD_Connection *c, const char *name)
{
    return MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, name);
}

/* 1..50 written as a plain integer. */
static int limit_ok(const char *v)
{
    if (!v)
        return 1;
    if (!*v || strlen(v) > 2)
        return 0;
    for (const char *p = v; *p; p++)
        if (*p < '0' || *p > '9')
            return 0;
    int n = atoi(v);
    return n >= 1 && n <= 50;
}

static int odd(const char *id)
{
    for (const unsigned char *p = (const unsigned char *)id; *p; p++)
        if (*p >= 0x80 || strchr("\"<'$`", *p))
            return 1;
    return 0;
}

static enum MHD_Result get_item(cf_items_server *s, struct MHD_Connection *c, const char *id)
{
    size_t n = cf_utf8_length(id, strlen(id));
    if (n == (size_t)-1 || n < 1 || n > 16)
        return error(c, 400, "itemId must be 1 to 16 characters");
    const char *view = arg(c, "view");
    if (view && strcmp(view, "short") != 0 && strcmp(view, "full") != 0) {
        if (s->fault != CF_ITEMS_ACCEPT_BAD_VIEW)
            return error(c, 400, "view must be short or full");
        atomic_fetch_add(&s->applied, 1);
    }
    int full = view && strcmp(view, "full") == 0;
    if ((s->fault == CF_ITEMS_5XX_ODD_PATH || (s->fault == CF_ITEMS_5XX_ODD_FULL && full)) &&
        odd(id)) {
        atomic_fetch_add(&s->applied, 1);
        return error(c, 500, "internal error");
    }
    cJSON *item = cJSON_CreateObject();
    if (item && (!cJSON_AddStringToObject(item, "id", id) ||
                 !cJSON_AddStringToObject(item, "name", "an item"))) {
        cJSON_Delete(item);
        item = NULL;
    }
    return reply(c, 200, item);
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url,
                                  const char *method, cf_buf *body)
{
    cf_items_server *s = cls;
    (void)body;
    if (strcmp(method, "GET") != 0)
        return error(c, 405, "only GET is served");
    int item = strncmp(url, "/items/", 7) == 0;
    if (!item && strcmp(url, "/items") != 0)
        return error(c, 404, "no such path");
    const char *auth = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Authorization");
    if (!auth && item && s->fault == CF_ITEMS_NO_AUTH_OK) {
        atomic_fetch_add(&s->applied, 1);
        auth = "Bearer " CF_ITEMS_BEARER;
    }
    if (!auth || strcmp(auth, "Bearer " CF_ITEMS_BEARER) != 0)
        return error(c, 401, "a valid bearer token is required");
    if (item)
        return get_item(s, c, url + 7);
    if (!limit_ok(arg(c, "limit")))
        return error(c, 400, "limit must be an integer from 1 to 50");
    cJSON *page = cJSON_Parse("{\"items\": [{\"id\": \"a\", \"name\": \"an item\"}]}");
    return reply(c, 200, page);
}

cf_items_server *cf_items_server_start(cf_items_fault fault)
{
    cf_items_server *s = calloc(1, sizeof(*s));
    cr_assert_not_null(s);
    s->fault = fault;
    s->mhd = (cf_mhd_opts){.flags = MHD_USE_THREAD_PER_CONNECTION,
                           .handler = on_request,
                           .cls = s,
                           .body_max = 1u << 20,
                           .connection_timeout_s = 30};
    unsigned short port = 0;
    s->daemon = cf_mhd_start(&s->mhd, &port);
    cr_assert_not_null(s->daemon, "the items server did not start");
    snprintf(s->url, sizeof(s->url), "http://127.0.0.1:%u", port);
    return s;
}

void cf_items_server_stop(cf_items_server *s)
{
    if (!s)
        return;
    MHD_stop_daemon(s->daemon);
    free(s);
}

const char *cf_items_server_url(const cf_items_server *s)
{
    return s->url;
}

unsigned cf_items_server_applied(cf_items_server *s)
{
    return atomic_load(&s->applied);
}
