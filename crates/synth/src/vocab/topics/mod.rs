//! The news topics, one file per category.

mod culture;
mod disaster;
mod economy;
mod health;
mod justice;
mod politics;
mod sport;
mod tech;

use super::Topic;

/// Every topic, category by category. A story picks its topic by index, so the order is part of
/// the output.
pub(crate) const TOPICS: &[Topic] = &ALL;

const GROUPS: &[&[Topic]] = &[
    politics::TOPICS,
    economy::TOPICS,
    disaster::TOPICS,
    justice::TOPICS,
    sport::TOPICS,
    tech::TOPICS,
    health::TOPICS,
    culture::TOPICS,
];

const COUNT: usize = {
    let (mut n, mut g) = (0, 0);
    while g < GROUPS.len() {
        n += GROUPS[g].len();
        g += 1;
    }
    n
};

/// [`GROUPS`] concatenated in order.
const ALL: [Topic; COUNT] = {
    let mut all = [GROUPS[0][0]; COUNT];
    let (mut k, mut g) = (0, 0);
    while g < GROUPS.len() {
        let mut i = 0;
        while i < GROUPS[g].len() {
            all[k] = GROUPS[g][i];
            k += 1;
            i += 1;
        }
        g += 1;
    }
    all
};
