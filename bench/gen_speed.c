/* gen_speed.c - conform's side of bench/gen_speed.sh: how long generating the cases `conform
 * run` adds (--generate all, seed 1) takes for every operation of the given files, and how many
 * cases each operation gets.
 *
 *   gen_speed ROUNDS FILE...
 *
 * Each FILE is anything `conform run` reads (a v1 spec, a contract, an overlay, a suite v2).
 * Prints one line per operation ("<file> <operation>: <n> cases"), one per file with its
 * sequences, then "all: <cases> cases in <ms> ms" where ms is the median over ROUNDS runs of
 * generating every file's cases once (loading excluded). A benchmark driver, not library code:
 * it prints and exits (1 on a load or generation error). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "gen/cases.h"
#include "suite/suite.h"

#define MAX_FILES 16

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static int cmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static const char *base_name(const char *path)
{
    const char *slash = strrchr(path, '/');
    return slash ? slash + 1 : path;
}

/* The cases of each operation of one generated set, a line each (a case counts for the
 * operation of its last step, as reports group it). */
static void print_counts(const char *file, const cf_suite *s, const cf_gen_cases *g,
                         const cf_gen_cases_stats *st)
{
    for (size_t i = 0; i < s->api->operation_count; i++) {
        const cf_api_operation *op = &s->api->operations[i];
        size_t n = 0;
        for (size_t c = 0; c < g->count; c++)
            n += g->cases[c].step_count && g->cases[c].steps[g->cases[c].step_count - 1].op == op;
        printf("%s %s: %zu cases\n", base_name(file), op->id, n);
    }
    printf("%s: %zu cases over %zu operations (%zu sequences, %zu dropped)\n", base_name(file),
           st->added, st->operations, st->sequences, st->dropped);
}

int main(int argc, char **argv)
{
    if (argc < 3 || argc - 2 > MAX_FILES) {
        fprintf(stderr, "usage: gen_speed ROUNDS FILE...\n");
        return 1;
    }
    int rounds = atoi(argv[1]) > 0 ? atoi(argv[1]) : 1;
    int nfile = argc - 2;
    cf_suite *suites[MAX_FILES] = {0};
    int status = 0;
    for (int i = 0; i < nfile && !status; i++) {
        cf_diags d;
        cf_diags_init(&d);
        if (cf_suite_load_file(argv[i + 2], &suites[i], &d) != CF_OK) {
            fprintf(stderr, "gen_speed: %s does not load\n", argv[i + 2]);
            status = 1;
        }
        cf_diags_cleanup(&d);
    }
    double *times = calloc((size_t)rounds, sizeof *times);
    if (!times)
        status = 1;
    size_t total = 0;
    for (int r = 0; r < rounds && !status; r++) {
        double start = now_ms();
        total = 0;
        for (int i = 0; i < nfile && !status; i++) {
            cf_gen_cases g = {0};
            cf_gen_cases_stats st = {0};
            cf_gen_cases_opts o = {.mode = CF_GEN_CASES_ALL, .seed = CF_GEN_DEFAULT_SEED};
            if (cf_gen_cases_build(suites[i]->api, &o, &g, &st) != CF_OK) {
                fprintf(stderr, "gen_speed: generation failed for %s\n", argv[i + 2]);
                status = 1;
            }
            if (r == 0 && !status)
                print_counts(argv[i + 2], suites[i], &g, &st);
            total += g.count;
            cf_gen_cases_cleanup(&g);
        }
        times[r] = now_ms() - start;
    }
    if (!status) {
        qsort(times, (size_t)rounds, sizeof *times, cmp);
        printf("all: %zu cases in %.2f ms (median of %d rounds; goal < 50 ms)\n", total,
               times[rounds / 2], rounds);
    }
    free(times);
    for (int i = 0; i < nfile; i++)
        cf_suite_free(suites[i]);
    return status;
}
