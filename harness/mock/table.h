/* table.h - the bounded table the mock's stores share: a seeded hash table whose nodes are also
 * kept in age order, so the oldest is forgotten first (past a retention or the capacity). */
#ifndef CF_MOCK_TABLE_H
#define CF_MOCK_TABLE_H

#include <stddef.h>
#include <stdint.h>

#include "base/rc.h"

/* Private to harness/mock/. Not thread-safe. Memory: nodes are the users' structs, each with a
 * cf_mock_node as its first member; the table links them and frees them with `drop` (evicted,
 * unlinked or at cleanup). */

typedef struct cf_mock_node {
    uint64_t hash;
    struct cf_mock_node *chain;  /* next in the same bucket */
    struct cf_mock_node **pprev; /* what points at this node: unlinking reads no chain */
    struct cf_mock_node *older, *newer;
} cf_mock_node;

typedef struct {
    cf_mock_node **buckets;
    size_t bucket_count; /* a power of two */
    size_t count;
    size_t capacity;
    cf_mock_node *oldest, *newest;
    uint64_t seed; /* random per table: clients cannot aim keys at one bucket */
    void (*drop)(cf_mock_node *);
} cf_mock_table;

/* capacity >= 1. CF_E_INVALID for 0, CF_E_NOMEM. */
CF_WUR cf_rc cf_mock_table_init(cf_mock_table *t, size_t capacity, void (*drop)(cf_mock_node *));
/* Drops every node. Accepts a zeroed table. */
void cf_mock_table_cleanup(cf_mock_table *t);

/* FNV-1a from the table's seed over `n` bytes of `key`, then the NUL-terminated `text`. */
uint64_t cf_mock_table_hash(const cf_mock_table *t, const void *key, size_t n, const char *text);
/* The first node of the bucket of `hash` (follow ->chain, compare ->hash and the keys). */
cf_mock_node *cf_mock_table_bucket(const cf_mock_table *t, uint64_t hash);
/* Links `n` (hash set) as the newest, dropping the oldest nodes while the table is full. */
void cf_mock_table_link(cf_mock_table *t, cf_mock_node *n);
/* Unlinks `n` and drops it. */
void cf_mock_table_remove(cf_mock_table *t, cf_mock_node *n);

#endif
