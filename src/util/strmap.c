#include "util/strmap.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

void bp_strmap_init(bp_strmap *m) { memset(m, 0, sizeof *m); }

void bp_strmap_free(bp_strmap *m)
{
    for (size_t i = 0; i < m->count; i++) free(m->names[i]);
    free(m->names);
    free(m->slots);
    memset(m, 0, sizeof *m);
}

/* FNV-1a: short keys, no adversarial concern beyond bounded probing cost. */
static uint64_t hash(const char *s, size_t len)
{
    uint64_t h = 1469598103934665603u;
    for (size_t i = 0; i < len; i++) {
        h ^= (unsigned char)s[i];
        h *= 1099511628211u;
    }
    return h;
}

static int same(const char *name, const char *s, size_t len)
{
    return strncmp(name, s, len) == 0 && name[len] == '\0';
}

size_t bp_strmap_find(const bp_strmap *m, const char *s, size_t len)
{
    if (!m->n_slots) return (size_t)-1;
    size_t mask = m->n_slots - 1;
    for (size_t i = (size_t)hash(s, len) & mask;; i = (i + 1) & mask) {
        size_t slot = m->slots[i];
        if (slot == 0) return (size_t)-1;
        if (same(m->names[slot - 1], s, len)) return slot - 1;
    }
}

static void place(bp_strmap *m, size_t index)
{
    const char *name = m->names[index];
    size_t mask = m->n_slots - 1;
    size_t i = (size_t)hash(name, strlen(name)) & mask;
    while (m->slots[i]) i = (i + 1) & mask;
    m->slots[i] = index + 1;
}

static int grow(bp_strmap *m)
{
    size_t n = m->n_slots ? m->n_slots * 2 : 16;
    if (n > ((size_t)-1) / sizeof *m->slots / 2) return -1;
    size_t *slots = calloc(n, sizeof *slots);
    if (!slots) return -1;
    free(m->slots);
    m->slots = slots;
    m->n_slots = n;
    for (size_t i = 0; i < m->count; i++) place(m, i);
    return 0;
}

int bp_strmap_intern(bp_strmap *m, const char *s, size_t len, size_t *index)
{
    size_t found = bp_strmap_find(m, s, len);
    if (found != (size_t)-1) {
        *index = found;
        return 0;
    }
    if ((m->count + 1) * 2 > m->n_slots && grow(m) != 0) return -1;
    if (m->count == m->names_cap) {
        size_t cap = m->names_cap ? m->names_cap * 2 : 8;
        char **names = realloc(m->names, cap * sizeof *names);
        if (!names) return -1;
        m->names = names;
        m->names_cap = cap;
    }
    char *copy = malloc(len + 1);
    if (!copy) return -1;
    memcpy(copy, s, len);
    copy[len] = '\0';
    m->names[m->count] = copy;
    place(m, m->count);
    *index = m->count++;
    return 0;
}
