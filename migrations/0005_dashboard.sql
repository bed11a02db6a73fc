CREATE TABLE `daily_activity` (
	`day` text NOT NULL,
	`type` text NOT NULL,
	`events` integer NOT NULL,
	`quantity` real NOT NULL,
	`revenue` real NOT NULL,
	PRIMARY KEY(`day`, `type`)
);
--> statement-breakpoint
CREATE TABLE `daily_shoppers` (
	`day` text NOT NULL,
	`user_id` text NOT NULL,
	PRIMARY KEY(`day`, `user_id`)
);
--> statement-breakpoint
ALTER TABLE `rules` ADD `starts_at` integer;--> statement-breakpoint
ALTER TABLE `rules` ADD `ends_at` integer;