/* A string -> dense index map (interning): labels and category names. */
#ifndef BP_STRMAP_H
#define BP_STRMAP_H

#include <stddef.h>

typedef struct bp_strmap {
    char **names;     /* index -> name (NUL-terminated, owned) */
    size_t count;
    size_t names_cap;
    size_t *slots;    /* open addressing: index + 1, 0 = empty */
    size_t n_slots;   /* a power of two */
} bp_strmap;

void bp_strmap_init(bp_strmap *m);
void bp_strmap_free(bp_strmap *m);
/* Index of name, or (size_t)-1 when absent. */
size_t bp_strmap_find(const bp_strmap *m, const char *name, size_t len);
/* Index of name, added when absent; 0 on success, -1 when out of memory. */
int bp_strmap_intern(bp_strmap *m, const char *name, size_t len, size_t *index);

#endif
