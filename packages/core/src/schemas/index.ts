export * from './budget.js';
export * from './category.js';
export * from './expense.js';
export * from './income.js';
export * from './inventory.js';
export * from './profile.js';
export * from './receipt.js';
export * from './row.js';
