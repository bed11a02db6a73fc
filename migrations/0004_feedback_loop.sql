CREATE TABLE `attribution_touches` (
	`user` text NOT NULL,
	`item` text NOT NULL,
	`kind` text NOT NULL,
	`ts` integer NOT NULL,
	`rid` text NOT NULL,
	`surface` text NOT NULL,
	PRIMARY KEY(`user`, `item`, `kind`)
);
--> statement-breakpoint
CREATE INDEX `attribution_touches_ts` ON `attribution_touches` (`ts`);--> statement-breakpoint
CREATE TABLE `experiment_unit_days` (
	`experiment_id` text NOT NULL,
	`unit` text NOT NULL,
	`since` integer NOT NULL,
	`arm` text NOT NULL,
	`impressions` integer DEFAULT 0 NOT NULL,
	`clicks` integer DEFAULT 0 NOT NULL,
	`conversions` integer DEFAULT 0 NOT NULL,
	`revenue` real DEFAULT 0 NOT NULL,
	PRIMARY KEY(`experiment_id`, `unit`, `since`)
);
--> statement-breakpoint
CREATE TABLE `experiment_units` (
	`experiment_id` text NOT NULL,
	`arm` text NOT NULL,
	`unit` text NOT NULL,
	`first_exposure` integer NOT NULL,
	`exposure_day` text NOT NULL,
	`impressions` integer DEFAULT 0 NOT NULL,
	`clicks` integer DEFAULT 0 NOT NULL,
	`conversions` integer DEFAULT 0 NOT NULL,
	`revenue` real DEFAULT 0 NOT NULL,
	PRIMARY KEY(`experiment_id`, `unit`)
);
--> statement-breakpoint
CREATE INDEX `experiment_units_arm` ON `experiment_units` (`experiment_id`,`arm`);--> statement-breakpoint
CREATE INDEX `experiment_units_unit` ON `experiment_units` (`unit`);--> statement-breakpoint
CREATE TABLE `experiments` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`surfaces` text NOT NULL,
	`arms` text NOT NULL,
	`status` text NOT NULL,
	`mode` text DEFAULT 'fixed' NOT NULL,
	`settings` text DEFAULT '{}' NOT NULL,
	`created_at` integer NOT NULL,
	`started_at` integer,
	`stopped_at` integer,
	`stop_reason` text,
	`promoted` text
);
--> statement-breakpoint
CREATE INDEX `experiments_status` ON `experiments` (`status`);--> statement-breakpoint
CREATE TABLE `report_days` (
	`day` text PRIMARY KEY NOT NULL,
	`purchases` integer DEFAULT 0 NOT NULL,
	`revenue` real DEFAULT 0 NOT NULL
);
--> statement-breakpoint
CREATE TABLE `report_items` (
	`day` text NOT NULL,
	`item` text NOT NULL,
	`impressions` integer DEFAULT 0 NOT NULL,
	PRIMARY KEY(`day`, `item`)
);
--> statement-breakpoint
CREATE TABLE `report_users` (
	`day` text NOT NULL,
	`surface` text NOT NULL,
	`experiment_id` text NOT NULL,
	`arm` text NOT NULL,
	`user` text NOT NULL,
	`impressions` integer DEFAULT 0 NOT NULL,
	`clicks` integer DEFAULT 0 NOT NULL,
	`inferred_clicks` integer DEFAULT 0 NOT NULL,
	`add_to_carts` integer DEFAULT 0 NOT NULL,
	`purchases` integer DEFAULT 0 NOT NULL,
	`revenue` real DEFAULT 0 NOT NULL,
	`click_through_purchases` integer DEFAULT 0 NOT NULL,
	`click_through_revenue` real DEFAULT 0 NOT NULL,
	`view_through_purchases` integer DEFAULT 0 NOT NULL,
	`view_through_revenue` real DEFAULT 0 NOT NULL,
	PRIMARY KEY(`day`, `surface`, `experiment_id`, `arm`, `user`)
);
--> statement-breakpoint
ALTER TABLE `events` ADD `price` real;