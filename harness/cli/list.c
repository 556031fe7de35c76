/* list.c - `conform list`: each file's operations (method, path, id), its cases with their tags
 * (v1 specs, suites v2 with the operations each case calls), and every tag, so a --filter or
 * --tag can be written without reading the files. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/array.h"
#include "cli/cli.h"
#include "contract/api.h"
#include "contract/aws.h"
#include "report/report.h"
#include "suite/suite.h"

static const char usage_head[] =
    "usage: conform list FILE|DIR...\n"
    "\n"
    "Lists the operations of each contract (OpenAPI 3.0/3.1, AWS model, v1 spec file, the\n"
    "contract a suite v2 names) and the cases of a spec or suite (id, tags, the operations a\n"
    "suite's case calls, summary), then every tag with the number of cases that carry it:\n"
    "what `conform run --filter GLOB` and `--tag TAG` select from.\n"
    "Exit 0, or 2 when a file is not a valid contract or spec.\n";

#define LIST_OPTIONS(X) X(HELP, "help", 'h', no_argument, NULL, "this text")

CF_CLI_COMMAND(list_command, LIST_OPTIONS, "list", usage_head, NULL);

/* Prints s made terminal-safe on one line: spec files may hold anything. */
static void put(const char *s)
{
    cf_buf b;
    cf_buf_init(&b, 4 * CF_REPORT_FIELD_MAX);
    if (cf_report_clean(&b, s ? s : "", CF_REPORT_FIELD_MAX,
                        CF_CLEAN_TERMINAL | CF_CLEAN_ONE_LINE) == CF_OK)
        fputs(cf_buf_str(&b), stdout);
    cf_buf_free(&b);
}

typedef struct {
    const char *name;
    size_t cases;
} tag_count;

/* Adds the suite's tags to the tally (names borrowed from the suite). 0 when out of memory. */
static int tally(tag_count **tags, size_t *n, size_t *cap, const cf_suite *suite)
{
    for (size_t c = 0; c < suite->case_count; c++)
        for (size_t t = 0; t < suite->cases[c].tag_count; t++) {
            const char *name = suite->cases[c].tags[t];
            size_t k = 0;
            while (k < *n && strcmp((*tags)[k].name, name) != 0)
                k++;
            if (k == *n) {
                tag_count *more = cf_array_reserve(*tags, cap, *n, sizeof(*more), 16);
                if (!more)
                    return 0;
                *tags = more;
                (*tags)[(*n)++] = (tag_count){name, 0};
            }
            (*tags)[k].cases++;
        }
    return 1;
}

static void put_operation(const char *id, const char *method, const char *path)
{
    fputs("  operation ", stdout);
    put(id);
    fputs(": ", stdout);
    put(method);
    fputc(' ', stdout);
    put(path);
    fputc('\n', stdout);
}

/* A scenario's operations in order: "(createPost > getPost)". */
static void put_calls(const cf_case *k)
{
    fputs("  (", stdout);
    for (size_t j = 0; j < k->step_count; j++) {
        if (j)
            fputs(" > ", stdout);
        put(k->steps[j].op ? k->steps[j].op->id : "?");
    }
    fputc(')', stdout);
}

static void list_cases(const cf_suite *s)
{
    printf("  %zu case%s:\n", s->case_count, s->case_count == 1 ? "" : "s");
    for (size_t c = 0; c < s->case_count; c++) {
        const cf_case *k = &s->cases[c];
        fputs("    ", stdout);
        put(k->id);
        if (k->tag_count) {
            fputs("  [", stdout);
            for (size_t t = 0; t < k->tag_count; t++) {
                if (t)
                    fputs(", ", stdout);
                put(k->tags[t]);
            }
            fputc(']', stdout);
        }
        if (s->kind == CF_SUITE_V2)
            put_calls(k);
        if (k->summary) {
            fputs("  ", stdout);
            put(k->summary);
        }
        fputc('\n', stdout);
    }
}

/* The file, a suite's title and contract, the operations, then the cases (none for a bare
 * contract). */
static void list_suite(const char *file, const cf_suite *s)
{
    put(file);
    fputc('\n', stdout);
    if (s->kind == CF_SUITE_V2) {
        const cJSON *title = cJSON_GetObjectItemCaseSensitive(s->root, "title");
        if (cJSON_IsString(title)) {
            fputs("  title: ", stdout);
            put(title->valuestring);
            fputc('\n', stdout);
        }
        fputs("  contract: ", stdout);
        put(s->contract_file);
        fputc('\n', stdout);
    }
    for (size_t i = 0; i < s->api->operation_count; i++) {
        const cf_api_operation *op = &s->api->operations[i];
        put_operation(op->id, op->method, op->path);
    }
    if (s->kind != CF_SUITE_CONTRACT)
        list_cases(s);
}

int cf_cli_list(int argc, char **argv)
{
    cf_cli_parser p;
    cf_cli_status st = cf_cli_parse_files(&p, &list_command, argc, argv);
    if (st != CF_CLI_GO_ON)
        return st;
    cf_cli_paths paths;
    int rc = cf_cli_collect_specs((const char *const *)p.args, p.arg_count, &paths);
    if (rc != CF_EXIT_OK)
        return rc;
    cf_suite **suites = calloc(paths.count ? paths.count : 1, sizeof(*suites));
    tag_count *tags = NULL;
    size_t tag_n = 0, tag_cap = 0;
    for (size_t i = 0; suites && i < paths.count; i++) {
        if (cf_aws_file_kind_of(paths.items[i]) == CF_AWS_FILE_OVERLAY)
            continue; /* applied to the model beside it, which is listed */
        cf_diags d;
        cf_diags_init(&d);
        if (cf_suite_load_file(paths.items[i], &suites[i], &d) != CF_OK) {
            cf_cli_print_diags(&d);
            fprintf(stderr, "%s: invalid spec, suite or contract (conform lint %s)\n",
                    paths.items[i], paths.items[i]);
            rc = CF_EXIT_USAGE;
        } else {
            list_suite(paths.items[i], suites[i]);
            if (!tally(&tags, &tag_n, &tag_cap, suites[i]))
                rc = CF_EXIT_USAGE;
            if (suites[i]->case_count == 0) { /* no tag borrows from it: a large contract goes */
                cf_suite_free(suites[i]);
                suites[i] = NULL;
            }
        }
        cf_diags_cleanup(&d);
    }
    if (!suites)
        rc = CF_EXIT_USAGE;
    if (rc == CF_EXIT_OK) {
        printf("%zu tag%s:", tag_n, tag_n == 1 ? "" : "s");
        for (size_t t = 0; t < tag_n; t++) {
            fputs(t ? ", " : " ", stdout);
            put(tags[t].name);
            printf(" (%zu)", tags[t].cases);
        }
        fputc('\n', stdout);
    }
    free(tags);
    for (size_t i = 0; suites && i < paths.count; i++)
        cf_suite_free(suites[i]);
    free(suites);
    cf_cli_paths_free(&paths);
    return rc;
}
