/* state.c - the mock's resources (a bounded hash table with an age list) and collections
 * (bounded lists of items per caller). */
#include "mock/state.h"

#include <stdlib.h>
#include <string.h>

#include "base/str.h"
#include "base/uuid.h"

typedef struct {
    size_t owner;
    char *name;
    cJSON *items;       /* array, oldest first */
    uint64_t first_seq; /* sequence number of items[0] */
} collection;

struct cf_mock_state {
    cf_mock_resource **buckets;
    size_t bucket_count; /* a power of two */
    size_t count;
    size_t capacity;
    cf_mock_resource *oldest, *newest;
    uint64_t seed; /* random per state: clients cannot aim ids at one bucket */
    collection *lists;
    size_t list_count;
};

static uint64_t key_hash(uint64_t seed, const char *name, const char *value)
{
    uint64_t h = 14695981039346656037ull ^ seed;
    for (const unsigned char *p = (const unsigned char *)name;; p++) {
        h ^= *p;
        h *= 1099511628211ull;
        if (!*p)
            break;
    }
    for (const unsigned char *p = (const unsigned char *)value; *p; p++) {
        h ^= *p;
        h *= 1099511628211ull;
    }
    return h;
}

cf_rc cf_mock_state_new(size_t capacity, cf_mock_state **out)
{
    *out = NULL;
    if (capacity == 0)
        return CF_E_INVALID;
    cf_mock_state *s = calloc(1, sizeof(*s));
    if (!s)
        return CF_E_NOMEM;
    size_t buckets = 64;
    while (buckets < capacity / 2 && buckets < ((size_t)1 << 20))
        buckets *= 2;
    s->buckets = calloc(buckets, sizeof(*s->buckets));
    s->lists = calloc(CF_MOCK_COLLECTIONS_MAX, sizeof(*s->lists));
    if (!s->buckets || !s->lists) {
        free(s->buckets);
        free(s->lists);
        free(s);
        return CF_E_NOMEM;
    }
    s->bucket_count = buckets;
    s->capacity = capacity;
    char hex[17];
    cf_random_hex(hex, 16);
    s->seed = strtoull(hex, NULL, 16);
    *out = s;
    return CF_OK;
}

static void resource_free(cf_mock_resource *r)
{
    if (!r)
        return;
    free(r->name);
    free(r->value);
    free(r->origin);
    free(r);
}

void cf_mock_state_remove(cf_mock_state *s, cf_mock_resource *r)
{
    cf_mock_resource **link = &s->buckets[r->hash & (s->bucket_count - 1)];
    while (*link && *link != r)
        link = &(*link)->chain;
    if (*link)
        *link = r->chain;
    if (r->older)
        r->older->newer = r->newer;
    else
        s->oldest = r->newer;
    if (r->newer)
        r->newer->older = r->older;
    else
        s->newest = r->older;
    s->count--;
    resource_free(r);
}

void cf_mock_state_free(cf_mock_state *s)
{
    if (!s)
        return;
    cf_mock_resource *r = s->oldest;
    while (r) {
        cf_mock_resource *next = r->newer;
        resource_free(r);
        r = next;
    }
    for (size_t i = 0; i < s->list_count; i++) {
        free(s->lists[i].name);
        cJSON_Delete(s->lists[i].items);
    }
    free(s->lists);
    free(s->buckets);
    free(s);
}

cf_mock_resource *cf_mock_state_find(const cf_mock_state *s, const char *name, const char *value)
{
    uint64_t h = key_hash(s->seed, name, value);
    for (cf_mock_resource *r = s->buckets[h & (s->bucket_count - 1)]; r; r = r->chain)
        if (r->hash == h && strcmp(r->name, name) == 0 && strcmp(r->value, value) == 0)
            return r;
    return NULL;
}

cf_rc cf_mock_state_add(cf_mock_state *s, const char *name, const char *value, size_t owner,
                        const char *state, const char *origin)
{
    if (cf_mock_state_find(s, name, value))
        return CF_OK;
    cf_mock_resource *r = calloc(1, sizeof(*r));
    if (!r)
        return CF_E_NOMEM;
    r->name = cf_strdup(name);
    r->value = cf_strdup(value);
    if (origin && strlen(origin) <= CF_MOCK_ORIGIN_MAX)
        r->origin = cf_strdup(origin);
    if (!r->name || !r->value || (origin && strlen(origin) <= CF_MOCK_ORIGIN_MAX && !r->origin)) {
        resource_free(r);
        return CF_E_NOMEM;
    }
    while (s->count >= s->capacity)
        cf_mock_state_remove(s, s->oldest);
    r->owner = owner;
    r->state = state;
    r->hash = key_hash(s->seed, name, value);
    cf_mock_resource **bucket = &s->buckets[r->hash & (s->bucket_count - 1)];
    r->chain = *bucket;
    *bucket = r;
    r->older = s->newest;
    if (s->newest)
        s->newest->newer = r;
    else
        s->oldest = r;
    s->newest = r;
    s->count++;
    return CF_OK;
}

size_t cf_mock_state_count(const cf_mock_state *s)
{
    return s->count;
}

static collection *find_list(const cf_mock_state *s, size_t owner, const char *name)
{
    for (size_t i = 0; i < s->list_count; i++)
        if (s->lists[i].owner == owner && strcmp(s->lists[i].name, name) == 0)
            return &s->lists[i];
    return NULL;
}

cf_rc cf_mock_state_append(cf_mock_state *s, size_t owner, const char *name, cJSON *item)
{
    collection *c = find_list(s, owner, name);
    if (!c) {
        if (s->list_count >= CF_MOCK_COLLECTIONS_MAX) {
            cJSON_Delete(item);
            return CF_E_TOO_LARGE;
        }
        c = &s->lists[s->list_count];
        c->owner = owner;
        c->name = cf_strdup(name);
        c->items = cJSON_CreateArray();
        c->first_seq = 1;
        if (!c->name || !c->items) {
            free(c->name);
            cJSON_Delete(c->items);
            memset(c, 0, sizeof(*c));
            cJSON_Delete(item);
            return CF_E_NOMEM;
        }
        s->list_count++;
    }
    if (!cJSON_AddItemToArray(c->items, item)) {
        cJSON_Delete(item);
        return CF_E_NOMEM;
    }
    if ((size_t)cJSON_GetArraySize(c->items) > CF_MOCK_COLLECTION_MAX) {
        cJSON_DeleteItemFromArray(c->items, 0);
        c->first_seq++;
    }
    return CF_OK;
}

cf_rc cf_mock_state_page(const cf_mock_state *s, size_t owner, const char *name, uint64_t from,
                         size_t limit, cJSON **items, uint64_t *next)
{
    *next = 0;
    *items = cJSON_CreateArray();
    if (!*items)
        return CF_E_NOMEM;
    const collection *c = find_list(s, owner, name);
    if (!c)
        return CF_OK;
    uint64_t seq = c->first_seq;
    size_t taken = 0;
    for (const cJSON *it = c->items->child; it; it = it->next, seq++) {
        if (seq < from)
            continue;
        if (taken == limit) {
            *next = seq;
            break;
        }
        cJSON *copy = cJSON_Duplicate(it, 1);
        if (!copy || !cJSON_AddItemToArray(*items, copy)) {
            cJSON_Delete(copy);
            cJSON_Delete(*items);
            *items = NULL;
            return CF_E_NOMEM;
        }
        taken++;
    }
    return CF_OK;
}
