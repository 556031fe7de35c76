/* case.c - freeing cases, whoever made them (v1 loader, suite loader, generator). */
#include "contract/case.h"

#include <stdlib.h>

void cf_cases_free(cf_case *cases, size_t count)
{
    for (size_t i = 0; cases && i < count; i++) {
        cf_case *c = &cases[i];
        for (size_t s = 0; s < c->step_count; s++)
            free(c->steps[s].allow_codes);
        free(c->steps);
        free(c->tags);
    }
    free(cases);
}
