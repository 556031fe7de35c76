/* items_server.h - a loopback server of the two-operation Items contract
 * (tests/data/fuzz/items.openapi.json) that keeps it, or breaks it on its second operation on
 * purpose, for `conform fuzz` and `conform run` to find. */
#ifndef CF_TEST_ITEMS_SERVER_H
#define CF_TEST_ITEMS_SERVER_H

#define CF_ITEMS_CONTRACT CONFORM_SOURCE_DIR "/tests/data/fuzz/items.openapi.json"
#define CF_ITEMS_BEARER "items-token-0123456789" /* the contract's default `bearer` */

/* What the server gets wrong, on getItem (GET /items/{itemId}) only. */
typedef enum {
    CF_ITEMS_CONFORMING = 0,
    CF_ITEMS_5XX_ODD_PATH,    /* an itemId holding a non-ASCII byte or one of " < ' $ ` gets a
                               * 500: odd but valid input crashes it */
    CF_ITEMS_ACCEPT_BAD_VIEW, /* a `view` outside its enum is taken as absent: 200 */
    CF_ITEMS_NO_AUTH_OK,      /* a request without Authorization is answered as the caller's */
    CF_ITEMS_5XX_ODD_FULL,    /* an odd itemId (as above) asked for with view=full gets a 500:
                               * no generated request combines the two, a mutant must */
} cf_items_fault;

typedef struct cf_items_server cf_items_server;

/* Starts on 127.0.0.1, any free port; fails the test when it cannot. Memory: stop frees it
 * (accepts NULL). */
cf_items_server *cf_items_server_start(cf_items_fault fault);
void cf_items_server_stop(cf_items_server *s);
/* "http://127.0.0.1:PORT", owned by the server. */
const char *cf_items_server_url(const cf_items_server *s);
/* Requests the fault changed the answer of so far. */
unsigned cf_items_server_applied(cf_items_server *s);

#endif
