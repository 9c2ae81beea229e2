// Placeholder: the training explorers (sparse, lr) select and draw precomputed grids.
export const sparse = null;
export const lr = null;
