//! Shared Tailwind class strings of the console's tables, inputs and buttons.

/// Table header cell.
pub const TH: &str = "py-2 pr-4 font-medium";
/// Text inputs and selects.
pub const INPUT: &str =
    "rounded border border-slate-300 dark:border-slate-700 bg-transparent px-2 py-1";
/// Primary action button.
pub const BUTTON: &str = "rounded bg-orange-600 px-3 py-1.5 text-sm font-medium text-white hover:bg-orange-700 disabled:opacity-60";
/// Secondary action button.
pub const BUTTON_QUIET: &str = "rounded border border-slate-300 dark:border-slate-700 px-3 py-1.5 text-sm hover:bg-slate-100 dark:hover:bg-slate-800 disabled:opacity-60";
