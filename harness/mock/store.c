/* store.c - the mock's bounded idempotency store: a hash table plus an age-ordered list. */
#include "mock/store.h"
#include "base/str.h"
#include "base/uuid.h"

#include <stdlib.h>
#include <string.h>

struct cf_mock_store {
    cf_mock_entry **buckets;
    size_t bucket_count; /* a power of two */
    size_t count;
    size_t capacity;
    double retention_ms;
    cf_mock_entry *oldest, *newest;
    uint64_t seed; /* random per store: clients cannot aim tokens at one bucket */
};

/* FNV-1a over the caller index and the token, from a seeded basis. */
static uint64_t key_hash(uint64_t seed, size_t caller, const char *token)
{
    uint64_t h = 14695981039346656037ull ^ seed;
    for (size_t i = 0; i < sizeof(caller); i++) {
        h ^= (uint64_t)((caller >> (8 * i)) & 0xffu);
        h *= 1099511628211ull;
    }
    for (const unsigned char *p = (const unsigned char *)token; *p; p++) {
        h ^= *p;
        h *= 1099511628211ull;
    }
    return h;
}

cf_rc cf_mock_store_new(size_t capacity, double retention_ms, cf_mock_store **out)
{
    *out = NULL;
    if (capacity == 0 || !(retention_ms > 0))
        return CF_E_INVALID;
    cf_mock_store *s = calloc(1, sizeof(*s));
    if (!s)
        return CF_E_NOMEM;
    size_t buckets = 64;
    while (buckets < capacity / 2 && buckets < ((size_t)1 << 20))
        buckets *= 2;
    s->buckets = calloc(buckets, sizeof(*s->buckets));
    if (!s->buckets) {
        free(s);
        return CF_E_NOMEM;
    }
    s->bucket_count = buckets;
    s->capacity = capacity;
    s->retention_ms = retention_ms;
    char hex[17];
    cf_random_hex(hex, 16);
    s->seed = strtoull(hex, NULL, 16);
    *out = s;
    return CF_OK;
}

static void entry_free(cf_mock_entry *e)
{
    if (!e)
        return;
    free(e->token);
    free(e->params);
    free(e->message);
    free(e);
}

/* Unlinks the oldest entry from its bucket and the age list, and frees it. */
static void drop_oldest(cf_mock_store *s)
{
    cf_mock_entry *e = s->oldest;
    if (!e)
        return;
    cf_mock_entry **link = &s->buckets[e->hash & (s->bucket_count - 1)];
    while (*link && *link != e)
        link = &(*link)->chain;
    if (*link)
        *link = e->chain;
    s->oldest = e->newer;
    if (s->oldest)
        s->oldest->older = NULL;
    else
        s->newest = NULL;
    s->count--;
    entry_free(e);
}

void cf_mock_store_free(cf_mock_store *s)
{
    if (!s)
        return;
    cf_mock_entry *e = s->oldest;
    while (e) {
        cf_mock_entry *next = e->newer;
        entry_free(e);
        e = next;
    }
    free(s->buckets);
    free(s);
}

void cf_mock_store_expire(cf_mock_store *s, double now_mono)
{
    while (s->oldest && now_mono - s->oldest->stored_mono >= s->retention_ms)
        drop_oldest(s);
}

const cf_mock_entry *cf_mock_store_find(const cf_mock_store *s, size_t caller, const char *token)
{
    uint64_t h = key_hash(s->seed, caller, token);
    for (const cf_mock_entry *e = s->buckets[h & (s->bucket_count - 1)]; e; e = e->chain)
        if (e->hash == h && e->caller == caller && strcmp(e->token, token) == 0)
            return e;
    return NULL;
}

/* Links a filled entry in (evicting the oldest when full). */
static void link_entry(cf_mock_store *s, cf_mock_entry *e, size_t caller, double now_mono)
{
    while (s->count >= s->capacity)
        drop_oldest(s);
    e->caller = caller;
    e->stored_mono = now_mono;
    e->hash = key_hash(s->seed, caller, e->token);
    cf_mock_entry **bucket = &s->buckets[e->hash & (s->bucket_count - 1)];
    e->chain = *bucket;
    *bucket = e;
    e->older = s->newest;
    if (s->newest)
        s->newest->newer = e;
    else
        s->oldest = e;
    s->newest = e;
    s->count++;
}

static cf_mock_entry *entry_new(const char *token, const char *params, const char *message)
{
    cf_mock_entry *e = calloc(1, sizeof(*e));
    if (!e)
        return NULL;
    e->token = cf_strdup(token);
    e->params = cf_strdup(params);
    e->message = message ? cf_strdup(message) : NULL;
    if (!e->token || !e->params || (message && !e->message)) {
        entry_free(e);
        return NULL;
    }
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
    return s->count;
}
