CREATE TABLE `rebuild_parts` (
	`version` text NOT NULL,
	`part` integer NOT NULL,
	`stats` text NOT NULL,
	`done_at` integer NOT NULL,
	PRIMARY KEY(`version`, `part`)
);
