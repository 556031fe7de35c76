/* state.h - the mock's world: resources the operations produce and consume (ids, tokens) with
 * their owner and state, and the collections operations append to and list. */
#ifndef CF_MOCK_STATE_H
#define CF_MOCK_STATE_H

#include <stddef.h>
#include <stdint.h>

#include <cjson/cJSON.h>

#include "base/rc.h"
#include "mock/table.h"

/* Private to harness/mock/. Not thread-safe: the mock holds its lock around every call.
 * Memory: the state owns its resources (names, values and origins copied) and the items
 * appended; cf_mock_state_free() accepts NULL. State names are borrowed from the api, which
 * outlives the mock. Both tables are bounded: past the capacity the oldest resource is
 * forgotten, past CF_MOCK_COLLECTION_MAX the oldest item of a collection. */

#define CF_MOCK_COLLECTION_MAX 1000u /* items kept per collection and caller */
#define CF_MOCK_COLLECTIONS_MAX 4096u
#define CF_MOCK_ORIGIN_MAX 8192u
/* The collection owner of the session a live credential resource opened (a ConnectionToken
 * starts its own chat): apart from every caller index. */
#define CF_MOCK_SESSION_OWNER(serial)                                                              \
    ((((size_t)1) << (sizeof(size_t) * 8 - 1)) |                                                   \
     (size_t)(serial)) /* a producing request kept for {$resource:..}, in bytes */

typedef struct cf_mock_resource {
    cf_mock_node node; /* private; first */
    /* read-only for users */
    char *name;  /* "AttachmentId" */
    char *value; /* the id as it travels */
    size_t owner;
    uint64_t serial;   /* 1, 2, ... in the order resources were made: a session's key */
    const char *state; /* NULL: none */
    char *origin;      /* the producing request's body as JSON text; NULL when none */
    char *answer;      /* the producing answer's body as JSON text (the resource as created,
                        * answered again by operations that read it); NULL when none */
} cf_mock_resource;

typedef struct cf_mock_state cf_mock_state;

CF_WUR cf_rc cf_mock_state_new(size_t capacity, cf_mock_state **out);
void cf_mock_state_free(cf_mock_state *s);

/* NULL when unknown. Borrowed until the next change. */
cf_mock_resource *cf_mock_state_find(const cf_mock_state *s, const char *name, const char *value);
/* Records a resource; one already known is left as it is. origin and answer may be NULL
 * (copied, each dropped past CF_MOCK_ORIGIN_MAX). CF_E_NOMEM leaves the state as it was. */
CF_WUR cf_rc cf_mock_state_add(cf_mock_state *s, const char *name, const char *value, size_t owner,
                               const char *state, const char *origin, const char *answer);
void cf_mock_state_remove(cf_mock_state *s, cf_mock_resource *r);
size_t cf_mock_state_count(const cf_mock_state *s);

/* Appends `item` (taken, freed on failure too) to the owner's collection. */
CF_WUR cf_rc cf_mock_state_append(cf_mock_state *s, size_t owner, const char *collection,
                                  cJSON *item);
/* Copies into *items (a new array) at most `limit` items of the collection whose sequence
 * number is `from` or later (numbers start at 1); *next is the number of the first item left
 * out, 0 when none. An unknown collection is empty. */
CF_WUR cf_rc cf_mock_state_page(const cf_mock_state *s, size_t owner, const char *collection,
                                uint64_t from, size_t limit, cJSON **items, uint64_t *next);

#endif
