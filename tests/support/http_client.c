/* http_client.c - the one HTTP client of the tests, on libcurl easy. */
#include "http_client.h"

#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include <curl/curl.h>

#include "base/json.h"
#include "base/limits.h"
#include "base/timefmt.h"

#define BODY_MAX_DEFAULT (16u * 1024u * 1024u)
#define HEAD_MAX (1024u * 1024u)
#define TIMEOUT_MS_DEFAULT 15000L

static pthread_once_t curl_once = PTHREAD_ONCE_INIT;

static void curl_init(void)
{
    curl_global_init(CURL_GLOBAL_DEFAULT);
}

/* Keeps the raw line, and parses the final answer's headers: a status line (an interim 1xx or
 * the answer after it) starts the parsed list afresh. */
static size_t on_header(char *data, size_t size, size_t n, void *user)
{
    cf_test_reply *r = user;
    size_t len = size * n;
    if (cf_buf_add(&r->head, data, len) != CF_OK)
        return 0;
    size_t end = len;
    while (end && (data[end - 1] == '\r' || data[end - 1] == '\n'))
        end--;
    if (end >= 5 && memcmp(data, "HTTP/", 5) == 0) {
        cf_headers_cleanup(&r->headers);
        return len;
    }
    const char *colon = memchr(data, ':', end);
    if (colon && cf_headers_addn(&r->headers, data, (size_t)(colon - data), colon + 1,
                                 end - (size_t)(colon - data) - 1) != CF_OK)
        return 0;
    return len;
}

static size_t on_body(char *data, size_t size, size_t n, void *user)
{
    return cf_buf_add(user, data, size * n) == CF_OK ? size * n : 0;
}

int cf_test_http_send(const cf_test_request *q, cf_test_reply *r)
{
    pthread_once(&curl_once, curl_init);
    memset(r, 0, sizeof(*r));
    cf_buf_init(&r->body, q->body_max ? q->body_max : BODY_MAX_DEFAULT);
    cf_buf_init(&r->head, HEAD_MAX);
    struct curl_slist *list = NULL;
    CURLcode cc = CURLE_OUT_OF_MEMORY;
    CURL *c = curl_easy_init();
    if (!c)
        goto out;
    if (!q->expect_continue && !(list = curl_slist_append(list, "Expect:")))
        goto out;
    for (size_t i = 0; i < q->header_count; i++) {
        struct curl_slist *next = curl_slist_append(list, q->headers[i]);
        if (!next)
            goto out;
        list = next;
    }
    curl_easy_setopt(c, CURLOPT_URL, q->url);
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, list);
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c, CURLOPT_NOPROXY, "*");
    curl_easy_setopt(c, CURLOPT_FORBID_REUSE, 1L);
    curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, q->timeout_ms ? q->timeout_ms : TIMEOUT_MS_DEFAULT);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, (void *)&r->body);
    curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(c, CURLOPT_HEADERDATA, (void *)r);
    if (q->body) {
        curl_easy_setopt(c, CURLOPT_POSTFIELDS, q->body);
        curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE,
                         (curl_off_t)(q->body_len ? q->body_len : strlen(q->body)));
    }
    if (q->method)
        curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, q->method);
    double t0 = cf_time_mono_ms();
    cc = curl_easy_perform(c);
    r->elapsed_ms = cf_time_mono_ms() - t0;
    if (cc == CURLE_OK)
        curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &r->status);
out:
    if (cc != CURLE_OK)
        snprintf(r->error, sizeof(r->error), "%s", curl_easy_strerror(cc));
    curl_slist_free_all(list);
    curl_easy_cleanup(c);
    if (r->body.len &&
        cf_json_parse(r->body.ptr, r->body.len, CF_MAX_JSON_DEPTH, &r->json, NULL) != CF_OK)
        r->json = NULL; /* asserts on the body say what was wrong */
    return (int)cc;
}

void cf_test_reply_free(cf_test_reply *r)
{
    if (!r)
        return;
    cf_buf_free(&r->body);
    cf_buf_free(&r->head);
    cf_headers_cleanup(&r->headers);
    cJSON_Delete(r->json);
    memset(r, 0, sizeof(*r));
}

int cf_test_reply_header(const cf_test_reply *r, const char *name, char *out, size_t n)
{
    const char *v = cf_headers_get(&r->headers, name);
    if (!v)
        return 0;
    snprintf(out, n, "%s", v);
    return 1;
}
