/* gen_speed.c - conform's side of bench/gen_speed.sh: how long cf_gen_schema takes for every
 * schema of the given specs (request body, success and error responses), and how many items
 * each gives.
 *
 *   gen_speed ROUNDS SPEC...
 *
 * Prints one line per schema ("<spec> <schema> <items> items <positive>/<boundary>/<negative>
 * <dropped> dropped <ms> ms"), then "all: <items> items in <ms> ms" where ms is the median over
 * ROUNDS runs of generating everything once. A benchmark driver, not library code: it prints
 * and exits (1 on a load or generation error). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "contract/spec.h"
#include "gen/gen.h"

#define MAX_SPECS 16

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

int main(int argc, char **argv)
{
    static const char *const what[3] = {"request-body", "success", "error"};
    static const cf_schema_direction dir[3] = {CF_SCHEMA_REQUEST, CF_SCHEMA_RESPONSE,
                                               CF_SCHEMA_RESPONSE};
    if (argc < 3 || argc - 2 > MAX_SPECS) {
        fprintf(stderr, "usage: gen_speed ROUNDS SPEC...\n");
        return 1;
    }
    int rounds = atoi(argv[1]);
    int nspec = argc - 2;
    cf_spec *specs[MAX_SPECS] = {0};
    for (int i = 0; i < nspec; i++) {
        cf_diags d;
        cf_diags_init(&d);
        if (cf_spec_load_file(argv[i + 2], &specs[i], &d) != CF_OK) {
            fprintf(stderr, "gen_speed: %s does not load\n", argv[i + 2]);
            return 1;
        }
        cf_diags_cleanup(&d);
    }
    double *times = calloc((size_t)(rounds > 0 ? rounds : 1), sizeof *times);
    size_t total = 0;
    for (int r = 0; r < (rounds > 0 ? rounds : 1); r++) {
        double start = now_ms();
        total = 0;
        for (int i = 0; i < nspec; i++) {
            const cJSON *schemas[3] = {specs[i]->op.body_schema, specs[i]->resp.success_schema,
                                       specs[i]->resp.error_schema};
            for (int k = 0; k < 3; k++) {
                if (!schemas[k])
                    continue;
                cf_gen_list l = {0};
                cf_gen_options o = {.seed = 1, .direction = dir[k]};
                double t0 = now_ms();
                if (cf_gen_schema(schemas[k], "Body", CF_GEN_IN_BODY, NULL, &o, &l) != CF_OK) {
                    fprintf(stderr, "gen_speed: generation failed\n");
                    return 1;
                }
                double t1 = now_ms();
                size_t kinds[3] = {0};
                for (size_t j = 0; j < l.count; j++)
                    kinds[l.items[j].kind]++;
                if (r == 0)
                    printf("%s %s: %zu items (%zu positive, %zu boundary, %zu negative), %zu "
                           "dropped, %.2f ms\n",
                           strrchr(argv[i + 2], '/') ? strrchr(argv[i + 2], '/') + 1 : argv[i + 2],
                           what[k], l.count, kinds[0], kinds[1], kinds[2], l.dropped, t1 - t0);
                total += l.count;
                cf_gen_list_cleanup(&l);
            }
        }
        times[r] = now_ms() - start;
    }
    qsort(times, (size_t)(rounds > 0 ? rounds : 1), sizeof *times, cmp);
    printf("all: %zu items in %.2f ms (median of %d rounds; goal < 50 ms)\n", total,
           times[(rounds > 0 ? rounds : 1) / 2], rounds > 0 ? rounds : 1);
    free(times);
    for (int i = 0; i < nspec; i++)
        cf_spec_free(specs[i]);
    return 0;
}
