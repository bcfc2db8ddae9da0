//! Gantt (todo)
