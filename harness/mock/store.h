/* store.h - the mock's idempotency store: (caller, token) -> the result given for it (the
 * resource made, or the error answered when errors are replayed too). */
#ifndef CF_MOCK_STORE_H
#define CF_MOCK_STORE_H

#include <stddef.h>
#include <stdint.h>

#include "base/rc.h"
#include "mock/table.h"

/* Private to harness/mock/. Not thread-safe: the mock holds its lock around every call.
 * Entries are kept in insertion order, so the oldest is always evicted first, whether it
 * outlived the retention or the store is full. */
typedef struct cf_mock_entry {
    cf_mock_node node; /* private; first */
    /* read-only for users */
    size_t caller;        /* index of the credential that made it */
    char *token;          /* the idempotency token */
    char *params;         /* canonical text of the request members a replay must repeat */
    char id[40];          /* the resource id */
    unsigned long serial; /* its number, for ids the contract types as numbers */
    int64_t created_ms;   /* wall clock, epoch ms: {$created_at} */
    double stored_mono;   /* monotonic ms when stored, for the retention */
    int error;            /* 1: the result was an error (the fields below) */
    int status;
    int role;         /* a cf_api_role */
    const char *code; /* borrowed from the api; NULL: none */
    char *message;    /* NULL for a success */
} cf_mock_entry;

typedef struct cf_mock_store cf_mock_store;

/* capacity >= 1 entries, retention in ms (> 0). Memory: cf_mock_store_free() accepts NULL. */
CF_WUR cf_rc cf_mock_store_new(size_t capacity, double retention_ms, cf_mock_store **out);
void cf_mock_store_free(cf_mock_store *s);

/* Forgets every entry stored before now_mono - retention. */
void cf_mock_store_expire(cf_mock_store *s, double now_mono);
/* NULL when absent. Borrowed until the next add/expire/free. */
const cf_mock_entry *cf_mock_store_find(const cf_mock_store *s, size_t caller, const char *token);
/* Copies token and params; evicts the oldest entry when full. CF_E_NOMEM leaves the store
 * as it was. Does not check for an existing key (find first). */
CF_WUR cf_rc cf_mock_store_add(cf_mock_store *s, size_t caller, const char *token,
                               const char *params, const char *id, unsigned long serial,
                               int64_t created_ms, double now_mono);
/* The same for an error result (replayed like a success when the rule says so): status, role
 * and code (borrowed: it must outlive the store) and message (copied). */
CF_WUR cf_rc cf_mock_store_add_error(cf_mock_store *s, size_t caller, const char *token,
                                     const char *params, int status, int role, const char *code,
                                     const char *message, double now_mono);
size_t cf_mock_store_count(const cf_mock_store *s);

#endif
