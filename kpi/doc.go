// Package kpi keeps a community team's key performance indicators: the
// KPIs and targets the social media manager defines per platform, the
// measures they are computed from (recorded by hand or collected from the
// platforms' insights), their aggregation by day, ISO week, month and
// quarter in the team's time zone, the KPI sheet the community managers
// fill in, and reports.
//
// Measures are recorded per Segment (brand, platform, channel, country,
// campaign) and rolled up to the wider segments; a Measure's Kind says
// how its values add up. KPI formulas read a segment's measures over a
// period through Totals.
package kpi
