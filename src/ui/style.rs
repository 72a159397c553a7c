//! Shared Tailwind class strings of the console's tables, inputs, buttons and panels.

/// Table header cell.
pub const TH: &str = "py-2 pr-4 font-medium";
/// A table row below the header.
pub const TR: &str = "border-t border-slate-200 dark:border-slate-800";
/// Text inputs and selects.
pub const INPUT: &str = "rounded border border-slate-300 dark:border-slate-700 bg-transparent px-2 py-1 focus-visible:outline-2 focus-visible:outline-orange-500";
/// Primary action button.
pub const BUTTON: &str = "rounded bg-orange-700 px-3 py-1.5 text-sm font-medium text-white hover:bg-orange-800 disabled:opacity-60 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-orange-500";
/// Secondary action button.
pub const BUTTON_QUIET: &str = "rounded border border-slate-300 dark:border-slate-700 px-3 py-1.5 text-sm hover:bg-slate-100 dark:hover:bg-slate-800 disabled:opacity-60 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-orange-500";
/// A button that starts something destructive (delete, disconnect); it asks first.
pub const BUTTON_DANGER: &str = "rounded border border-red-300 px-3 py-1.5 text-sm text-red-700 hover:bg-red-50 dark:border-red-800 dark:text-red-300 dark:hover:bg-red-950 disabled:opacity-60 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-red-500";
/// The button that confirms a destructive action.
pub const BUTTON_DANGER_SOLID: &str = "rounded bg-red-600 px-3 py-1.5 text-sm font-medium text-white hover:bg-red-700 disabled:opacity-60 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-red-500";
/// A framed panel (forms, settings).
pub const CARD: &str =
    "rounded-lg border border-slate-200 dark:border-slate-800 bg-white dark:bg-slate-900 p-4";
/// A link inside a table or text.
pub const LINK: &str = "text-orange-700 dark:text-orange-300 hover:underline";
/// A small grey hint under a field or heading.
pub const HINT: &str = "text-xs text-slate-500 dark:text-slate-400";
