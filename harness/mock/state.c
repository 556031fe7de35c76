/* state.c - the mock's resources (a bounded hash table with an age list) and collections
 * (bounded lists of items per caller). */
#include "mock/state.h"

#include <stdlib.h>
#include <string.h>

#include "base/str.h"

typedef struct {
    size_t owner;
    char *name;
    cJSON *items;       /* array, oldest first */
    uint64_t first_seq; /* sequence number of items[0] */
} collection;

struct cf_mock_state {
    cf_mock_table resources;
    uint64_t serial; /* of the last resource made */
    collection *lists;
    size_t list_count;
};

/* The name's NUL is hashed too: ("ab", "c") and ("a", "bc") differ. */
static uint64_t key_hash(const cf_mock_state *s, const char *name, const char *value)
{
    return cf_mock_table_hash(&s->resources, name, strlen(name) + 1, value);
}

static void resource_free(cf_mock_node *n)
{
    cf_mock_resource *r = (cf_mock_resource *)n;
    if (!r)
        return;
    free(r->name);
    free(r->value);
    free(r->origin);
    free(r->answer);
    free(r);
}

cf_rc cf_mock_state_new(size_t capacity, cf_mock_state **out)
{
    *out = NULL;
    cf_mock_state *s = calloc(1, sizeof(*s));
    if (!s)
        return CF_E_NOMEM;
    cf_rc rc = cf_mock_table_init(&s->resources, capacity, resource_free);
    s->lists = rc == CF_OK ? calloc(CF_MOCK_COLLECTIONS_MAX, sizeof(*s->lists)) : NULL;
    if (!s->lists) {
        cf_mock_table_cleanup(&s->resources);
        free(s);
        return rc == CF_OK ? CF_E_NOMEM : rc;
    }
    *out = s;
    return CF_OK;
}

void cf_mock_state_remove(cf_mock_state *s, cf_mock_resource *r)
{
    cf_mock_table_remove(&s->resources, &r->node);
}

void cf_mock_state_free(cf_mock_state *s)
{
    if (!s)
        return;
    cf_mock_table_cleanup(&s->resources);
    for (size_t i = 0; i < s->list_count; i++) {
        free(s->lists[i].name);
        cJSON_Delete(s->lists[i].items);
    }
    free(s->lists);
    free(s);
}

cf_mock_resource *cf_mock_state_find(const cf_mock_state *s, const char *name, const char *value)
{
    uint64_t h = key_hash(s, name, value);
    for (cf_mock_node *n = cf_mock_table_bucket(&s->resources, h); n; n = n->chain) {
        cf_mock_resource *r = (cf_mock_resource *)n;
        if (n->hash == h && strcmp(r->name, name) == 0 && strcmp(r->value, value) == 0)
            return r;
    }
    return NULL;
}

/* A copy of `text` when it is within CF_MOCK_ORIGIN_MAX; *failed when the copy failed. */
static char *bounded_copy(const char *text, int *failed)
{
    if (!text || strlen(text) > CF_MOCK_ORIGIN_MAX)
        return NULL;
    char *copy = cf_strdup(text);
    *failed |= !copy;
    return copy;
}

cf_rc cf_mock_state_add(cf_mock_state *s, const char *name, const char *value, size_t owner,
                        const char *state, const char *origin, const char *answer)
{
    if (cf_mock_state_find(s, name, value))
        return CF_OK;
    cf_mock_resource *r = calloc(1, sizeof(*r));
    if (!r)
        return CF_E_NOMEM;
    int failed = 0;
    r->name = cf_strdup(name);
    r->value = cf_strdup(value);
    r->origin = bounded_copy(origin, &failed);
    r->answer = bounded_copy(answer, &failed);
    if (!r->name || !r->value || failed) {
        resource_free(&r->node);
        return CF_E_NOMEM;
    }
    r->owner = owner;
    r->serial = ++s->serial;
    r->state = state;
    r->node.hash = key_hash(s, name, value);
    cf_mock_table_link(&s->resources, &r->node);
    return CF_OK;
}

size_t cf_mock_state_count(const cf_mock_state *s)
{
    return s->resources.count;
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
        if (s->list_count >= CF_MOCK_COLLECTIONS_MAX) { /* forget the oldest */
            free(s->lists[0].name);
            cJSON_Delete(s->lists[0].items);
            memmove(&s->lists[0], &s->lists[1], (s->list_count - 1) * sizeof(*s->lists));
            s->list_count--;
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
