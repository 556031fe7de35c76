/* table.c - the mock's bounded, age-ordered hash table (table.h). */
#include "mock/table.h"

#include <stdlib.h>
#include <string.h>

#include "base/uuid.h"

cf_rc cf_mock_table_init(cf_mock_table *t, size_t capacity, void (*drop)(cf_mock_node *))
{
    memset(t, 0, sizeof(*t));
    if (capacity == 0)
        return CF_E_INVALID;
    size_t buckets = 64;
    /* at most one node per bucket on average when full: a lookup is about one cache miss */
    while (buckets < capacity && buckets < ((size_t)1 << 21))
        buckets *= 2;
    t->buckets = calloc(buckets, sizeof(*t->buckets));
    if (!t->buckets)
        return CF_E_NOMEM;
    t->bucket_count = buckets;
    t->capacity = capacity;
    t->drop = drop;
    char hex[17];
    cf_random_hex(hex, 16);
    t->seed = strtoull(hex, NULL, 16);
    return CF_OK;
}

void cf_mock_table_cleanup(cf_mock_table *t)
{
    cf_mock_node *n = t->oldest;
    while (n) {
        cf_mock_node *next = n->newer;
        t->drop(n);
        n = next;
    }
    free(t->buckets);
    memset(t, 0, sizeof(*t));
}

uint64_t cf_mock_table_hash(const cf_mock_table *t, const void *key, size_t n, const char *text)
{
    uint64_t h = 14695981039346656037ull ^ t->seed;
    for (size_t i = 0; i < n; i++) {
        h ^= ((const unsigned char *)key)[i];
        h *= 1099511628211ull;
    }
    for (const unsigned char *p = (const unsigned char *)text; *p; p++) {
        h ^= *p;
        h *= 1099511628211ull;
    }
    return h;
}

cf_mock_node *cf_mock_table_bucket(const cf_mock_table *t, uint64_t hash)
{
    return t->buckets[hash & (t->bucket_count - 1)];
}

void cf_mock_table_remove(cf_mock_table *t, cf_mock_node *n)
{
    /* Why pprev: the oldest node is cold; walking its bucket to it cost a cache miss a node */
    *n->pprev = n->chain;
    if (n->chain)
        n->chain->pprev = n->pprev;
    if (n->older)
        n->older->newer = n->newer;
    else
        t->oldest = n->newer;
    if (n->newer)
        n->newer->older = n->older;
    else
        t->newest = n->older;
    t->count--;
    t->drop(n);
}

void cf_mock_table_link(cf_mock_table *t, cf_mock_node *n)
{
    while (t->count >= t->capacity && t->oldest)
        cf_mock_table_remove(t, t->oldest);
    cf_mock_node **bucket = &t->buckets[n->hash & (t->bucket_count - 1)];
    n->chain = *bucket;
    n->pprev = bucket;
    if (n->chain)
        n->chain->pprev = &n->chain;
    *bucket = n;
    n->older = t->newest;
    n->newer = NULL;
    if (t->newest)
        t->newest->newer = n;
    else
        t->oldest = n;
    t->newest = n;
    t->count++;
}
