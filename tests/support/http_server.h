/* http_server.h - test servers on 127.0.0.1: a well-behaved libmicrohttpd one that echoes or
 * answers canned bodies, and a raw-socket one that misbehaves on purpose. */
#ifndef CF_TEST_HTTP_SERVER_H
#define CF_TEST_HTTP_SERVER_H

#include <stddef.h>

/* ---- libmicrohttpd server ---- */

typedef struct {
    unsigned status;          /* 0: 200 */
    const char *content_type; /* NULL: application/json (text/plain when echoing) */
    const char *body;         /* NULL: echo the request, see below */
    const char *header_name;  /* optional extra response header */
    const char *header_value;
    unsigned delay_ms;         /* pause before answering each request */
    int thread_per_connection; /* 1: connections are answered concurrently */
} cf_test_server_opts;

/* The echo body is "METHOD URL\n", then one "name: value\n" per request header in the order
 * received, then "\n" and the request body. */
typedef struct cf_test_server cf_test_server;

/* Memory: NULL on failure; cf_test_server_stop() frees (accepts NULL). */
cf_test_server *cf_test_server_start(const cf_test_server_opts *opts);
void cf_test_server_stop(cf_test_server *s);
unsigned short cf_test_server_port(const cf_test_server *s);
/* "http://127.0.0.1:PORT" + path into out. Returns out. */
char *cf_test_server_url(const cf_test_server *s, const char *path, char *out, size_t n);
unsigned cf_test_server_connections(cf_test_server *s); /* TCP connections accepted */
unsigned cf_test_server_max_open(cf_test_server *s);    /* most connections open at once */
unsigned cf_test_server_requests(cf_test_server *s);    /* requests answered */

/* ---- raw misbehaving server ---- */

typedef struct {
    const char *response;    /* bytes written once a request head (and body) was read */
    size_t response_len;     /* 0: strlen(response) */
    size_t chunk;            /* bytes per write; 0: all at once */
    unsigned chunk_delay_ms; /* pause before each write */
    int cut;                 /* 1: reset the connection (RST) after `cut_at` bytes */
    size_t cut_at;
    unsigned fail_first; /* the first N connections are reset right after the request */
    int hang;            /* 1: read the request, then send nothing until stopped */
} cf_raw_server_opts;

typedef struct cf_raw_server cf_raw_server;

/* One connection at a time, in a thread. Memory: NULL on failure; stop frees (accepts NULL). */
cf_raw_server *cf_raw_server_start(const cf_raw_server_opts *opts);
void cf_raw_server_stop(cf_raw_server *s);
unsigned short cf_raw_server_port(const cf_raw_server *s);
char *cf_raw_server_url(const cf_raw_server *s, const char *path, char *out, size_t n);
unsigned cf_raw_server_accepted(cf_raw_server *s);

/* A loopback port nothing listens on (bound, then closed); 0 on failure. */
unsigned short cf_test_closed_port(void);

#endif
