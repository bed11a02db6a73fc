ALTER TABLE `experiments` ADD `starts_at` integer;--> statement-breakpoint
ALTER TABLE `experiments` ADD `ends_at` integer;