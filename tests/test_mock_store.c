/* test_mock_store.c - the mock's stores: cf_mock_store and cf_mock_state on their own, and replays,
 * mismatches, callers, concurrent duplicates and eviction over HTTP. */
#include <criterion/criterion.h>

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "base/json.h"
#include "mock/mock.h"
#include "mock/state.h"
#include "mock/store.h"
#include "mock_fixture.h"

static char *dup_s(const char *s)
{
    char *p = strdup(s ? s : "");
    cr_assert_not_null(p);
    return p;
}

Test(mock_store, replay_returns_the_same_resource_with_a_fresh_signature, .timeout = 20)
{
    for (size_t i = 0; i < CF_TEST_MOCK_SPECS; i++) {
        cf_test_mock s;
        cf_test_mock_start(&s, cf_test_mock_specs[i], NULL);
        char *tok = cf_test_token_lit("replay");
        cf_test_reply a, b;
        cf_test_mock_post_valid(&s, s.bearer, tok, &a);
        cf_test_mock_assert_success(&s, &a, "first");
        cf_test_mock_post_valid(&s, s.bearer, tok, &b);
        cf_test_mock_assert_success(&s, &b, "replay");
        for (size_t k = 0; k < s.spec->idem.identical_count; k++) {
            char *x = cf_json_print(cf_json_pointer(a.json, s.spec->idem.identical[k]));
            char *y = cf_json_print(cf_json_pointer(b.json, s.spec->idem.identical[k]));
            cr_assert_str_eq(x, y, "%s differs on replay", s.spec->idem.identical[k]);
            free(x);
            free(y);
        }
        const char *url_ptr = i == 0 ? "/data/upload_url" : "/UploadMetadata/Url";
        const cJSON *u1 = cf_json_pointer(a.json, url_ptr);
        const cJSON *u2 = cf_json_pointer(b.json, url_ptr);
        cr_assert(cJSON_IsString(u1) && cJSON_IsString(u2));
        cr_assert_str_neq(u1->valuestring, u2->valuestring, "signature not fresh");
        cf_test_reply_free(&a);
        cf_test_reply_free(&b);
        free(tok);
        cf_test_mock_stop(&s);
    }
}

Test(mock_store, reused_token_with_other_parameters_is_a_mismatch, .timeout = 20)
{
    for (size_t i = 0; i < CF_TEST_MOCK_SPECS; i++) {
        cf_test_mock s;
        cf_test_mock_start(&s, cf_test_mock_specs[i], NULL);
        const char *variants[][3] = {{"\"text/csv\"", "1024", "\"a.txt\""},
                                     {"\"text/plain\"", "1025", "\"a.txt\""},
                                     {"\"text/plain\"", "1024", "\"b.txt\""}};
        for (size_t k = 0; k < 3; k++) {
            char *tok = cf_test_token_lit("mismatch");
            cf_test_reply a, b;
            cf_test_mock_post_valid(&s, s.bearer, tok, &a);
            cf_test_mock_assert_success(&s, &a, "first");
            char *first_id = dup_s(cf_test_mock_id(&s, &a));
            char *body = cf_test_mock_body(variants[k][0], variants[k][1], variants[k][2], tok);
            cf_test_mock_request q = {
                .bearer = s.bearer, .content_type = "application/json", .body = body};
            cf_test_mock_send(&s, &q, &b);
            const char *want = s.spec->idem.mismatch_code;
            char code[128];
            cr_assert_eq(b.status, cf_spec_code_status(s.spec, want), "variant %zu: %s", k,
                         cf_buf_str(&b.body));
            cr_assert_str_eq(cf_test_mock_code(&s, &b, code, sizeof(code)), want);
            cf_test_reply_free(&b);
            /* the original is kept */
            cf_test_mock_post_valid(&s, s.bearer, tok, &b);
            cf_test_mock_assert_success(&s, &b, "original after mismatch");
            cr_assert_str_eq(cf_test_mock_id(&s, &b), first_id);
            cf_test_reply_free(&a);
            cf_test_reply_free(&b);
            free(body);
            free(first_id);
            free(tok);
        }
        cf_test_mock_stop(&s);
    }
}

Test(mock_store, other_caller_and_other_tokens_get_independent_resources, .timeout = 20)
{
    for (size_t i = 0; i < CF_TEST_MOCK_SPECS; i++) {
        cf_test_mock s;
        cf_test_mock_start(&s, cf_test_mock_specs[i], NULL);
        char *tok = cf_test_token_lit("scope");
        char *tok2 = cf_test_token_lit("scope2");
        cf_test_reply a, b, c;
        cf_test_mock_post_valid(&s, s.bearer, tok, &a);
        cf_test_mock_post_valid(&s, s.bearer_alt, tok, &b);
        cf_test_mock_post_valid(&s, s.bearer, tok2, &c);
        cf_test_mock_assert_success(&s, &a, "caller a");
        cf_test_mock_assert_success(&s, &b, "caller b, same token");
        cf_test_mock_assert_success(&s, &c, "caller a, other token");
        cr_assert_str_neq(cf_test_mock_id(&s, &a), cf_test_mock_id(&s, &b));
        cr_assert_str_neq(cf_test_mock_id(&s, &a), cf_test_mock_id(&s, &c));
        cr_assert_null(strstr(cf_buf_str(&b.body), cf_test_mock_id(&s, &a)), "leaks caller a's id");
        /* and a rejected request does not use up a token */
        char *tok3 = cf_test_token_lit("rejected");
        char *bad = cf_test_mock_body("\"text/plain\"", "0", "\"a.txt\"", tok3);
        cf_test_mock_request q = {
            .bearer = s.bearer, .content_type = "application/json", .body = bad};
        cf_test_reply d;
        cf_test_mock_send(&s, &q, &d);
        cf_test_mock_assert_error(&s, &d, CF_ROLE_VALIDATION, "size 0");
        cf_test_reply_free(&d);
        cf_test_mock_post_valid(&s, s.bearer, tok3, &d);
        cf_test_mock_assert_success(&s, &d, "token after a rejected request");
        cf_test_reply_free(&d);
        free(bad);
        free(tok3);
        cf_test_reply_free(&a);
        cf_test_reply_free(&b);
        cf_test_reply_free(&c);
        free(tok);
        free(tok2);
        cf_test_mock_stop(&s);
    }
}

typedef struct {
    const cf_test_mock *s;
    const char *token;
    const char *bearer;
    pthread_barrier_t *start;
    cf_test_reply r;
} worker;

static void *worker_run(void *arg)
{
    worker *w = arg;
    if (w->start)
        pthread_barrier_wait(w->start);
    char *b = cf_test_mock_body("\"text/plain\"", "1024", "\"a.txt\"", w->token);
    cf_test_mock_request q = {.bearer = w->bearer, .content_type = "application/json", .body = b};
    cf_test_mock_send(w->s, &q, &w->r);
    free(b);
    return NULL;
}

Test(mock_store, concurrent_duplicates_share_one_id, .timeout = 20)
{
    for (size_t i = 0; i < CF_TEST_MOCK_SPECS; i++) {
        cf_test_mock s;
        cf_test_mock_start(&s, cf_test_mock_specs[i], NULL);
        enum { N = 16 };
        worker w[N];
        pthread_t t[N];
        pthread_barrier_t start;
        pthread_barrier_init(&start, NULL, N);
        char *tok = cf_test_token_lit("dup");
        for (int k = 0; k < N; k++) {
            w[k] = (worker){&s, tok, s.bearer, &start, {0}};
            cr_assert_eq(pthread_create(&t[k], NULL, worker_run, &w[k]), 0);
        }
        for (int k = 0; k < N; k++)
            pthread_join(t[k], NULL);
        pthread_barrier_destroy(&start);
        const char *id = NULL;
        for (int k = 0; k < N; k++) {
            if (w[k].r.status != s.spec->resp.success_status && s.spec->idem.in_flight_code) {
                char code[128];
                cr_assert_str_eq(cf_test_mock_code(&s, &w[k].r, code, sizeof(code)),
                                 s.spec->idem.in_flight_code);
                continue;
            }
            cf_test_mock_assert_success(&s, &w[k].r, "concurrent duplicate");
            if (!id)
                id = cf_test_mock_id(&s, &w[k].r);
            cr_assert_str_eq(cf_test_mock_id(&s, &w[k].r), id);
        }
        cr_assert_not_null(id);
        for (int k = 0; k < N; k++)
            cf_test_reply_free(&w[k].r);
        cf_mock_stats st;
        cf_mock_stats_get(s.mock, &st);
        cr_assert_eq(st.created, 1);
        free(tok);
        cf_test_mock_stop(&s);
    }
}

Test(mock_store, two_hundred_concurrent_connections_all_answered, .timeout = 20)
{
    cf_test_mock s;
    cf_test_mock_start(&s, cf_test_mock_specs[1], NULL);
    enum { N = 200 };
    worker *w = calloc(N, sizeof(*w));
    pthread_t *t = calloc(N, sizeof(*t));
    char **toks = calloc(N, sizeof(*toks));
    cr_assert(w && t && toks);
    pthread_barrier_t start;
    pthread_barrier_init(&start, NULL, N);
    for (int k = 0; k < N; k++) {
        toks[k] = cf_test_token_lit("many");
        w[k] = (worker){&s, toks[k], k % 2 ? s.bearer : s.bearer_alt, &start, {0}};
        cr_assert_eq(pthread_create(&t[k], NULL, worker_run, &w[k]), 0);
    }
    for (int k = 0; k < N; k++)
        pthread_join(t[k], NULL);
    pthread_barrier_destroy(&start);
    for (int k = 0; k < N; k++) {
        cf_test_mock_assert_success(&s, &w[k].r, "one of 200");
        for (int j = 0; j < k; j++)
            cr_assert_str_neq(cf_test_mock_id(&s, &w[k].r), cf_test_mock_id(&s, &w[j].r));
    }
    for (int k = 0; k < N; k++) {
        cf_test_reply_free(&w[k].r);
        free(toks[k]);
    }
    free(w);
    free(t);
    free(toks);
    cf_test_mock_stop(&s);
}

Test(mock_store, full_store_forgets_the_oldest_token, .timeout = 20)
{
    cf_test_mock s;
    cf_mock_opts o;
    cf_mock_opts_init(&o);
    o.idem_capacity = 2;
    cf_test_mock_start_opts(&s, cf_test_mock_specs[0], &o);
    char *t1 = cf_test_token_lit("e1"), *t2 = cf_test_token_lit("e2"),
         *t3 = cf_test_token_lit("e3");
    cf_test_reply a, b;
    cf_test_mock_post_valid(&s, s.bearer, t1, &a);
    cf_test_mock_post_valid(&s, s.bearer, t2, &b);
    cf_test_reply_free(&b);
    cf_test_mock_post_valid(&s, s.bearer, t3, &b);
    cf_test_reply_free(&b);
    cf_test_mock_post_valid(&s, s.bearer, t1, &b); /* t1 was evicted: a new resource */
    cf_test_mock_assert_success(&s, &b, "after eviction");
    cr_assert_str_neq(cf_test_mock_id(&s, &a), cf_test_mock_id(&s, &b));
    cf_test_reply_free(&a);
    cf_test_reply_free(&b);
    free(t1);
    free(t2);
    free(t3);
    cf_test_mock_stop(&s);
}

Test(mock_store, store_evicts_by_age_and_capacity, .timeout = 5)
{
    cf_mock_store *st = NULL;
    cr_assert_eq(cf_mock_store_new(3, 1000.0, &st), CF_OK);
    cr_assert_eq(cf_mock_store_add(st, 0, "a", "p", "id-a", 1, 1, 0.0), CF_OK);
    cr_assert_eq(cf_mock_store_add(st, 1, "a", "p", "id-a1", 1, 1, 10.0), CF_OK);
    cr_assert_eq(cf_mock_store_add(st, 0, "b", "p", "id-b", 1, 1, 500.0), CF_OK);
    cr_assert_str_eq(cf_mock_store_find(st, 0, "a")->id, "id-a");
    cr_assert_str_eq(cf_mock_store_find(st, 1, "a")->id, "id-a1");
    cr_assert_null(cf_mock_store_find(st, 2, "a"));
    cr_assert_eq(cf_mock_store_add(st, 0, "c", "p", "id-c", 1, 1, 600.0), CF_OK);
    cr_assert_eq(cf_mock_store_count(st), 3);
    cr_assert_null(cf_mock_store_find(st, 0, "a"), "oldest not evicted");
    cf_mock_store_expire(st, 1200.0); /* 1/a (10) and b (500) are still young? 1200-10 >= 1000 */
    cr_assert_null(cf_mock_store_find(st, 1, "a"));
    cr_assert_not_null(cf_mock_store_find(st, 0, "b"));
    cf_mock_store_expire(st, 5000.0);
    cr_assert_eq(cf_mock_store_count(st), 0);
    cf_mock_store_free(st);
    cf_mock_store_free(NULL);
}

Test(mock_store, state_keeps_resources_bounded_and_pages_collections, .timeout = 5)
{
    cf_mock_state *st = NULL;
    cr_assert_eq(cf_mock_state_new(2, &st), CF_OK);
    cr_assert_eq(cf_mock_state_add(st, "Token", "t1", 0, "live", "{\"a\":1}", "{}"), CF_OK);
    cr_assert_eq(cf_mock_state_add(st, "Token", "t2", 1, NULL, NULL, NULL), CF_OK);
    cr_assert_eq(cf_mock_state_add(st, "Token", "t2", 0, "other", NULL, NULL),
                 CF_OK); /* kept as is */
    cf_mock_resource *r = cf_mock_state_find(st, "Token", "t2");
    cr_assert(r && r->owner == 1 && !r->state);
    cr_assert_null(cf_mock_state_find(st, "Tok", "ent1"), "name and value run together");
    cr_assert_str_eq(cf_mock_state_find(st, "Token", "t1")->origin, "{\"a\":1}");
    cr_assert_eq(cf_mock_state_add(st, "Other", "t1", 0, NULL, NULL, NULL), CF_OK);
    cr_assert_null(cf_mock_state_find(st, "Token", "t1"), "the oldest was not forgotten");
    cr_assert_eq(cf_mock_state_count(st), 2);
    cf_mock_state_remove(st, cf_mock_state_find(st, "Other", "t1"));
    cr_assert_eq(cf_mock_state_count(st), 1);

    for (int i = 0; i < (int)CF_MOCK_COLLECTION_MAX + 5; i++)
        cr_assert_eq(cf_mock_state_append(st, 0, "log", cJSON_CreateNumber(i)), CF_OK);
    cJSON *page = NULL;
    uint64_t next = 0;
    /* the first five fell out: the oldest kept is number 6 (value 5) */
    cr_assert_eq(cf_mock_state_page(st, 0, "log", 1, 3, &page, &next), CF_OK);
    cr_assert_eq(cJSON_GetArraySize(page), 3);
    cr_assert_eq(cJSON_GetArrayItem(page, 0)->valueint, 5);
    cr_assert_eq(next, 9);
    cJSON_Delete(page);
    cr_assert_eq(cf_mock_state_page(st, 0, "log", CF_MOCK_COLLECTION_MAX + 4, 3, &page, &next),
                 CF_OK);
    cr_assert_eq(cJSON_GetArraySize(page), 2);
    cr_assert_eq(next, 0, "the last page names a next one");
    cJSON_Delete(page);
    cr_assert_eq(cf_mock_state_page(st, 1, "log", 1, 3, &page, &next), CF_OK);
    cr_assert_eq(cJSON_GetArraySize(page), 0, "another caller's collection");
    cJSON_Delete(page);
    cf_mock_state_free(st);
    cf_mock_state_free(NULL);
}
