//! incidents.csv (todo)
