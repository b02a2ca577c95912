//! A list of cases too long to load: it counts them, keeps a window of rows around
//! the selection and fetches another window only when the selection leaves it.

use anyhow::Result;

use crate::store::{CaseQuery, CaseRow, Store};

/// Rows fetched at a time; a screen shows at most a few dozen.
const WINDOW: u64 = 200;

/// While a search is typed, matches are counted no further than this; the rest
/// are counted when the user moves towards the end.
pub const SEARCH_COUNT_CAP: u64 = 1000;

#[derive(Debug, Default, Clone)]
pub struct CasePager {
    pub query: CaseQuery,
    pub total: u64,
    /// `total` stopped at the cap: there are more.
    pub total_capped: bool,
    pub selected: u64,
    /// The first row on screen.
    pub top: u64,
    window_start: u64,
    rows: Vec<CaseRow>,
}

impl CasePager {
    pub fn new(query: CaseQuery) -> CasePager {
        CasePager { query, ..CasePager::default() }
    }

    /// Counts again and reloads, keeping the selection where it can be.
    pub fn refresh(&mut self, store: &Store, height: u64) -> Result<()> {
        let cap = (!self.query.search.trim().is_empty()).then_some(SEARCH_COUNT_CAP + 1);
        self.total = store.count_cases(&self.query, cap)?;
        self.total_capped = cap.is_some_and(|c| self.total >= c);
        if self.total_capped {
            self.total = SEARCH_COUNT_CAP;
        }
        self.rows.clear();
        self.select(store, self.selected, height)
    }

    /// Moves the selection to `index` (clamped) and keeps it on screen.
    pub fn select(&mut self, store: &Store, index: u64, height: u64) -> Result<()> {
        let height = height.max(1);
        if self.must_count(index, height) {
            self.total = store.count_cases(&self.query, None)?;
            self.total_capped = false;
        }
        if self.place(index, height) {
            // Centre the window on the screen so that moving either way stays inside it.
            self.window_start = self.top.saturating_sub(WINDOW / 2 - height.min(WINDOW / 2));
            // A search counted in full to a few hundred is quicker from its matches.
            let few = !self.query.search.trim().is_empty() && !self.total_capped && self.total <= SEARCH_COUNT_CAP;
            self.rows = if few {
                store.list_few_matches(&self.query, self.window_start, WINDOW)?
            } else {
                store.list_cases(&self.query, self.window_start, WINDOW)?
            };
        }
        Ok(())
    }

    /// Moves the selection to `index` when the rows for it are at hand, and says
    /// so; when the store must be asked (to count on, or for another window)
    /// nothing moves and it is false.
    pub fn move_at_hand(&mut self, index: u64, height: u64) -> bool {
        let height = height.max(1);
        if self.must_count(index, height) {
            return false;
        }
        let (selected, top) = (self.selected, self.top);
        if self.place(index, height) {
            (self.selected, self.top) = (selected, top);
            return false;
        }
        true
    }

    /// A search counted only to its cap must be counted on to go near its end.
    fn must_count(&self, index: u64, height: u64) -> bool {
        self.total_capped && index.saturating_add(height) >= self.total
    }

    /// Sets the selection and the first row shown; true when rows not at hand
    /// are to be shown.
    fn place(&mut self, index: u64, height: u64) -> bool {
        self.selected = index.min(self.total.saturating_sub(1));
        if self.selected < self.top {
            self.top = self.selected;
        } else if self.selected >= self.top + height {
            self.top = self.selected + 1 - height;
        }
        self.top = self.top.min(self.total.saturating_sub(height));
        let window_end = self.window_start + self.rows.len() as u64;
        let wanted_end = (self.top + height).min(self.total);
        self.top < self.window_start || wanted_end > window_end || (self.rows.is_empty() && self.total > 0)
    }

    /// The rows on screen, with their absolute index.
    pub fn visible(&self, height: u64) -> impl Iterator<Item = (u64, &CaseRow)> {
        let skip = self.top.saturating_sub(self.window_start) as usize;
        self.rows.iter().skip(skip).take(height as usize).enumerate().map(move |(i, row)| (self.top + i as u64, row))
    }

    pub fn selected_row(&self) -> Option<&CaseRow> {
        let offset = self.selected.checked_sub(self.window_start)?;
        self.rows.get(offset as usize)
    }

    /// A pager over rows already at hand, for drawing without a database.
    #[cfg(test)]
    pub fn showing(query: CaseQuery, rows: Vec<CaseRow>) -> CasePager {
        CasePager { query, total: rows.len() as u64, rows, ..CasePager::default() }
    }
}
