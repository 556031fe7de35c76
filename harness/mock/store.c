/* store.c - the mock's bounded idempotency store: (caller, token) entries in a table.h table. */
#include "mock/store.h"

#include <stdlib.h>
#include <string.h>

struct cf_mock_store {
    cf_mock_table table;
    double retention_ms;
};

static uint64_t key_hash(const cf_mock_store *s, size_t caller, const char *token)
{
    return cf_mock_table_hash(&s->table, &caller, sizeof(caller), token);
}

static void entry_free(cf_mock_node *n)
{
    free(n); /* the entry and its strings are one allocation (entry_new) */
}

cf_rc cf_mock_store_new(size_t capacity, double retention_ms, cf_mock_store **out)
{
    *out = NULL;
    if (capacity == 0 || !(retention_ms > 0))
        return CF_E_INVALID;
    cf_mock_store *s = calloc(1, sizeof(*s));
    if (!s)
        return CF_E_NOMEM;
    cf_rc rc = cf_mock_table_init(&s->table, capacity, entry_free);
    if (rc != CF_OK) {
        free(s);
        return rc;
    }
    s->retention_ms = retention_ms;
    *out = s;
    return CF_OK;
}

void cf_mock_store_free(cf_mock_store *s)
{
    if (!s)
        return;
    cf_mock_table_cleanup(&s->table);
    free(s);
}

void cf_mock_store_expire(cf_mock_store *s, double now_mono)
{
    while (s->table.oldest &&
           now_mono - ((cf_mock_entry *)s->table.oldest)->stored_mono >= s->retention_ms)
        cf_mock_table_remove(&s->table, s->table.oldest);
}

const cf_mock_entry *cf_mock_store_find(const cf_mock_store *s, size_t caller, const char *token)
{
    uint64_t h = key_hash(s, caller, token);
    for (const cf_mock_node *n = cf_mock_table_bucket(&s->table, h); n; n = n->chain) {
        const cf_mock_entry *e = (const cf_mock_entry *)n;
        if (n->hash == h && e->caller == caller && strcmp(e->token, token) == 0)
            return e;
    }
    return NULL;
}

static void link_entry(cf_mock_store *s, cf_mock_entry *e, size_t caller, double now_mono)
{
    e->caller = caller;
    e->stored_mono = now_mono;
    e->node.hash = key_hash(s, caller, e->token);
    cf_mock_table_link(&s->table, &e->node);
}

/* One allocation for the entry and copies of its strings, which follow it. */
static cf_mock_entry *entry_new(const char *token, const char *params, const char *message)
{
    size_t tn = strlen(token) + 1, pn = strlen(params) + 1, mn = message ? strlen(message) + 1 : 0;
    if (tn + pn + mn > SIZE_MAX / 2)
        return NULL;
    cf_mock_entry *e = malloc(sizeof(*e) + tn + pn + mn);
    if (!e)
        return NULL;
    memset(e, 0, sizeof(*e));
    char *at = (char *)(e + 1);
    e->token = memcpy(at, token, tn);
    e->params = memcpy(at + tn, params, pn);
    e->message = message ? memcpy(at + tn + pn, message, mn) : NULL;
    return e;
}

cf_rc cf_mock_store_add(cf_mock_store *s, size_t caller, const char *token, const char *params,
                        const char *id, unsigned long serial, int64_t created_ms, double now_mono)
{
    cf_mock_entry *e = entry_new(token, params, NULL);
    if (!e)
        return CF_E_NOMEM;
    size_t id_len = strlen(id);
    if (id_len >= sizeof(e->id))
        id_len = sizeof(e->id) - 1;
    memcpy(e->id, id, id_len);
    e->id[id_len] = '\0';
    e->serial = serial;
    e->created_ms = created_ms;
    link_entry(s, e, caller, now_mono);
    return CF_OK;
}

cf_rc cf_mock_store_add_error(cf_mock_store *s, size_t caller, const char *token,
                              const char *params, int status, int role, const char *code,
                              const char *message, double now_mono)
{
    cf_mock_entry *e = entry_new(token, params, message ? message : "");
    if (!e)
        return CF_E_NOMEM;
    e->error = 1;
    e->status = status;
    e->role = role;
    e->code = code;
    link_entry(s, e, caller, now_mono);
    return CF_OK;
}

size_t cf_mock_store_count(const cf_mock_store *s)
{
    return s->table.count;
}
