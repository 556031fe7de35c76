/* route_server.h - a loopback HTTP server that answers by method and path from a table of
 * canned responses and writes down every request as it came over the wire (URL not decoded),
 * so runner tests see what the runner sent and can serve several operations. */
#ifndef CF_TEST_ROUTE_SERVER_H
#define CF_TEST_ROUTE_SERVER_H

#include <stddef.h>

typedef struct {
    const char *method;       /* NULL: any */
    const char *path;         /* fnmatch pattern on the raw path: "/posts/[0-9]" */
    unsigned status;          /* 0: 200 */
    const char *body;         /* NULL: an empty body */
    const char *content_type; /* NULL: application/json when there is a body */
} cf_route;

typedef struct cf_route_server cf_route_server;

/* Starts on 127.0.0.1, any port; the first route that matches answers, no route: 418.
 * Memory: `routes` is borrowed and must outlive the server; NULL on failure; stop frees
 * (accepts NULL). */
cf_route_server *cf_route_server_start(const cf_route *routes, size_t n);
void cf_route_server_stop(cf_route_server *s);
/* "http://127.0.0.1:PORT" into out. Returns out. */
char *cf_route_server_url(const cf_route_server *s, char *out, size_t n);
/* Every request so far: "METHOD /path?query\n", then "  name: value\n" per header, then
 * "  body: ...\n" when one came. A new string the caller frees. */
char *cf_route_server_log(cf_route_server *s);

#endif
